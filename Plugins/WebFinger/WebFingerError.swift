/// Why a WebFinger or host-meta document could not be used.
public enum WebFingerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a JRD or XRD document.
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed document: \(reason)"
        }
    }
}
