import Foundation

/// Peak resident memory of this process since the last ``reset()``, in MB (Linux `VmHWM`).
public enum PeakMemory {
    /// Starts a new peak: the high-water mark drops to the current resident set.
    public static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The peak since the last reset; 0 where `/proc` does not tell.
    public static func megabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
