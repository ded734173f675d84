/// What became of an item a driver received.
public enum Reception: Sendable, Equatable {
    /// Stored in the channel's stream.
    case stored(Item)
    /// The channel already holds it (same id, or it is a copy of one of ours); nothing changed.
    case duplicate(Item)
    /// Not stored, for the reason given.
    case refused(String)
}
