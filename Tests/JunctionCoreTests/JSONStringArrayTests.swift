import Foundation
import JunctionCore
import Testing

@Suite("JSON string arrays")
struct JSONStringArrayTests {
    static let lists: [[String]] = [
        [],
        ["follower-1"],
        ["https://blog.example/feed.xml", "a@b.example", "x/y"],
        ["quote \" and backslash \\", "line\nbreak\ttab\r", "nul \u{0} bell \u{7} esc \u{1b}", "ünïcödé", "🎉 \u{2028}", ""],
    ]

    @Test("what it writes is the JSON array JSONDecoder reads back", arguments: lists)
    func writes(_ list: [String]) throws {
        let text = JSONStringArray.text(list)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == list)
        #expect(JSONStringArray.strings(text) == list)
    }

    @Test("without escapes it writes what JSONEncoder writes")
    func likeJSONEncoder() throws {
        let list = ["follower-1", "https://blog.example/feed.xml", "ünïcödé 🎉"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        #expect(JSONStringArray.utf8(list) == Array(try encoder.encode(list)))
    }

    @Test("it reads what JSONEncoder writes, spaces and escapes included", arguments: lists)
    func reads(_ list: [String]) throws {
        let encoded = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
        #expect(JSONStringArray.strings(encoded) == list)
        #expect(JSONStringArray.strings(" [ \"a\" ,\n\"b\" ] ") == ["a", "b"])
    }

    @Test("anything but an array of strings is not read", arguments: [
        "", "[", "]", "[\"a\"", "[\"a\",]", "[1]", "[\"a\"] x", "{\"a\": 1}", "[\"a\" \"b\"]", "[\"tab\there\"]", "null", "[\"\\q\"]",
    ])
    func refuses(_ text: String) {
        #expect(JSONStringArray.strings(text) == nil)
    }
}
