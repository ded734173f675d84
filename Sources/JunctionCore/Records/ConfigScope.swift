/// Which key-value table a setting lives in; drivers keep their extra state here, never in new
/// columns of core tables.
public enum ConfigScope: Sendable, Hashable {
    /// `config`: the hub itself.
    case site
    /// `pconfig`: one channel.
    case channel(Int64)
    /// `xconfig`: one identity.
    case xchan(String)
    /// `abconfig`: one connection (channel and xchan).
    case connection(channelID: Int64, xchanHash: String)
    /// `iconfig`: one item.
    case item(Int64)
}
