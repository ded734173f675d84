#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time this process has used, in seconds (`CLOCK_PROCESS_CPUTIME_ID`). Unlike wall time it
/// does not grow while other processes on a shared machine hold the cores.
public enum ProcessorTime {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
