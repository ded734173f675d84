extension FeedHTML {
    /// Elements kept (feedparser's list without form controls: feed content never needs a form).
    static let acceptableElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br",
        "canvas", "caption", "center", "cite", "code", "col", "colgroup", "datagrid", "dd", "del", "details", "dfn",
        "dialog", "dir", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "m", "map", "menu", "meter", "multicol", "nav",
        "nextid", "ol", "p", "pre", "progress", "q", "s", "samp", "section", "small", "sound", "source", "spacer",
        "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt",
        "u", "ul", "var", "video",
    ]
    /// Attributes kept on kept elements (feedparser's list; `style` is filtered by ``FeedCSS``).
    static let acceptableAttributes: Set<String> = [
        "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt", "autocomplete", "autofocus",
        "axis", "background", "balance", "bgcolor", "bgproperties", "border", "bordercolor", "bordercolordark",
        "bordercolorlight", "bottompadding", "cellpadding", "cellspacing", "ch", "challenge", "char", "charoff",
        "charset", "checked", "choff", "cite", "class", "clear", "color", "cols", "colspan", "compact",
        "contenteditable", "controls", "coords", "data", "datafld", "datapagesize", "datasrc", "datetime", "default",
        "delay", "dir", "disabled", "draggable", "dynsrc", "enctype", "end", "face", "for", "form", "frame",
        "galleryimg", "gutter", "headers", "height", "hidden", "hidefocus", "high", "href", "hreflang", "hspace",
        "icon", "id", "inputmode", "ismap", "keytype", "label", "lang", "leftspacing", "list", "longdesc", "loop",
        "loopcount", "loopend", "loopstart", "low", "lowsrc", "max", "maxlength", "media", "method", "min",
        "multiple", "name", "nohref", "noshade", "nowrap", "open", "optimum", "pattern", "ping", "point-size",
        "poster", "pqg", "preload", "prompt", "radiogroup", "readonly", "rel", "repeat-max", "repeat-min", "replace",
        "required", "rev", "rightspacing", "rows", "rowspan", "rules", "scope", "selected", "shape", "size", "span",
        "src", "start", "step", "summary", "suppress", "tabindex", "target", "template", "title", "toppadding",
        "type", "unselectable", "urn", "usemap", "valign", "value", "variable", "volume", "vrml", "vspace", "width",
        "wrap", "xml:lang",
    ]
    /// Removed together with everything inside them.
    static let unacceptableElementsWithContent: Set<String> = ["applet", "script", "style"]
    /// Elements written `<name />`, with no end tag.
    static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ]
    /// Attributes holding URLs: their scheme must be on the allowlist (no `javascript:`, `data:`).
    static let uriAttributes: Set<String> = [
        "href", "src", "cite", "action", "background", "longdesc", "lowsrc", "dynsrc", "usemap", "poster", "data", "icon",
    ]
    /// The attributes resolved against the base, by element.
    static let relativeURIAttributes: [String: Set<String>] = [
        "a": ["href"], "applet": ["codebase"], "area": ["href"], "audio": ["src"], "blockquote": ["cite"],
        "body": ["background"], "del": ["cite"], "form": ["action"], "frame": ["longdesc", "src"],
        "iframe": ["longdesc", "src"], "head": ["profile"], "img": ["longdesc", "src", "usemap"], "input": ["src", "usemap"],
        "ins": ["cite"], "link": ["href"], "object": ["classid", "codebase", "data", "usemap"], "q": ["cite"],
        "script": ["src"], "source": ["src"], "video": ["poster", "src"],
    ]
    /// windows-1252 bytes 0x80–0x9F written as numeric references, mapped to their characters.
    static let windows1252: [Int: Int] = [
        128: 0x20AC, 130: 0x201A, 131: 0x0192, 132: 0x201E, 133: 0x2026, 134: 0x2020, 135: 0x2021, 136: 0x02C6,
        137: 0x2030, 138: 0x0160, 139: 0x2039, 140: 0x0152, 142: 0x017D, 145: 0x2018, 146: 0x2019, 147: 0x201C,
        148: 0x201D, 149: 0x2022, 150: 0x2013, 151: 0x2014, 152: 0x02DC, 153: 0x2122, 154: 0x0161, 155: 0x203A,
        156: 0x0153, 158: 0x017E, 159: 0x0178,
    ]
}
