import CLibXML2

/// The HTML 4 named character references (`&hellip;`, `&eacute;`, …), from libxml2's table.
public enum HTMLEntities {
    /// The code point `&name;` stands for, nil when HTML 4 has no such entity.
    public static func codePoint(named name: String) -> UInt32? {
        guard name.utf8.count <= 16, let entity = htmlEntityLookup(name) else { return nil }
        return entity.pointee.value
    }
}
