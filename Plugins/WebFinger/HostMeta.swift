import Foundation
public import JunctionCore

/// RFC 6415 host-meta: LRDD templates and the combined view of a resource.
public enum HostMeta {
    /// `template` with `{uri}` replaced by `resource`, UTF-8 encoded and percent-encoded except
    /// for RFC 3986 unreserved characters (RFC 6415 3.1.1.1).
    public static func expand(_ template: String, resource: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let encoded = resource.utf8.map { byte in
            unreserved.contains(byte) ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded
        }.joined()
        return template.replacingOccurrences(of: "{uri}", with: encoded)
    }

    /// The LRDD template of a host-meta document: an XRD one first, then a JRD one, then any.
    public static func lrddTemplate(in hostMeta: IdentityDocument) -> IdentityLink? {
        let templates = hostMeta.links.filter { $0.rel == "lrdd" && $0.template != nil }
        return templates.first { $0.type?.lowercased() == XRD.mediaType }
            ?? templates.first { $0.type?.lowercased() == JRD.mediaType }
            ?? templates.first
    }

    /// The resource's combined view (RFC 6415 1.1.1): the host-meta's resource-specific
    /// (template) links before its `lrdd` link, expanded, then the LRDD document's links, then
    /// the host-meta's template links after `lrdd`. Subject, aliases and properties are the
    /// LRDD document's.
    public static func combine(hostMeta: IdentityDocument, lrdd: IdentityDocument, resource: String) -> IdentityDocument {
        var combined = lrdd
        let lrddIndex = hostMeta.links.firstIndex { $0.rel == "lrdd" } ?? hostMeta.links.endIndex
        func expanded(_ links: ArraySlice<IdentityLink>) -> [IdentityLink] {
            links.compactMap { link in
                guard link.rel != "lrdd", let template = link.template else { return nil }
                var out = link
                out.template = nil
                out.href = expand(template, resource: resource)
                return out
            }
        }
        combined.links = expanded(hostMeta.links[..<lrddIndex]) + lrdd.links
            + expanded(hostMeta.links[min(lrddIndex + 1, hostMeta.links.endIndex)...])
        return combined
    }
}

private extension String {
    /// Two hex digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
