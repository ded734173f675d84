import Foundation
import Synchronization

/// A TCP port on 127.0.0.1 that is free now and that nothing else is likely to take before the
/// caller binds it, seconds later perhaps: it lies between 10000 and the kernel's ephemeral
/// range, which outgoing connections and port-0 listeners draw from (where that range starts
/// below 20000, between 10000 and 32768), and is never handed out twice in one process.
public func freeLoopbackPort() throws -> Int {
    let upper = ephemeralPortsStart()
    for _ in 0..<1000 {
        let port = Int.random(in: 10_000..<upper)
        guard handedOutPorts.withLock({ $0.insert(port).inserted }), canBind(port) else { continue }
        return port
    }
    throw TestSetupError("no free loopback port between 10000 and \(upper)")
}

private let handedOutPorts = Mutex<Set<Int>>([])

/// The first port of the ephemeral range (Linux: `ip_local_port_range`; 32768 where unknown
/// or too low to leave room below it).
private func ephemeralPortsStart() -> Int {
    let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let start = range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
    return start > 20_000 ? start : 32768
}

/// Whether 127.0.0.1:`port` can be bound at this moment.
private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
