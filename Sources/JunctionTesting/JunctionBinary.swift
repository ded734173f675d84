import Foundation

/// The built `junction` binary: `JUNCTION_BINARY`, or the nearest one beside the test bundle.
public let junctionBinary: String = {
    if let path = ProcessInfo.processInfo.environment["JUNCTION_BINARY"] { return path }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = bundle.deletingLastPathComponent()
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent("junction").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return ".build/debug/junction"
}()
