public import Foundation

/// Dates as feeds write them: RFC 822 and its variants (two-digit years, missing seconds or
/// zone, day and month swapped, zone names), W3C-DTF/RFC 3339/ISO 8601 (reduced precision,
/// fractions, `Z`, space for `T`) and asctime. A hand parser: no `DateFormatter`, no locale.
public enum FeedDateParser {
    /// The instant `text` names, or nil when no reading applies.
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 128 else { return nil }
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { return nil }
        return canonicalRFC822(trimmed) ?? rfc822(trimmed) ?? w3dtf(trimmed) ?? asctime(trimmed)
    }

    /// `Sun, 22 Nov 2026 09:00:00 +0000` (or `GMT`) exactly, the form nearly every RSS feed
    /// writes, read in one pass over the bytes; nil sends the text to the general readings,
    /// which give the same instant for this form.
    static func canonicalRFC822(_ text: String) -> Date? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Date? in
            var i = 0
            func word(_ count: Int) -> String? {
                guard i + count <= bytes.count, bytes[i..<(i + count)].allSatisfy(\.isASCIILetter) else { return nil }
                defer { i += count }
                return String(decoding: bytes[i..<(i + count)].map { $0 | 0x20 }, as: UTF8.self)
            }
            func number(_ digits: ClosedRange<Int>) -> Int? {
                var value = 0
                let start = i
                while i < bytes.count, i - start < digits.upperBound, bytes[i].isASCIIDigit {
                    value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                    i += 1
                }
                return digits.contains(i - start) ? value : nil
            }
            func skip(_ byte: UInt8) -> Bool {
                guard i < bytes.count, bytes[i] == byte else { return false }
                i += 1
                return true
            }
            guard let dayName = word(3), dayNames.contains(dayName), skip(UInt8(ascii: ",")), skip(0x20),
                  let day = number(1...2), skip(0x20), let monthName = word(3), let month = months.firstIndex(of: monthName), skip(0x20),
                  let year = number(4...4), skip(0x20), let hour = number(2...2), skip(UInt8(ascii: ":")),
                  let minute = number(2...2), skip(UInt8(ascii: ":")), let second = number(2...2), skip(0x20) else { return nil }
            let offset: Int
            if let sign = bytes[i...].first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                i += 1
                guard let zone = number(4...4) else { return nil }
                offset = (sign == UInt8(ascii: "-") ? -1 : 1) * (zone / 100 * 60 + zone % 100)
            } else {
                guard word(3) == "gmt" else { return nil }
                offset = 0
            }
            guard i == bytes.count else { return nil }
            return instant(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second, offsetMinutes: offset)
        } ?? nil
    }

    private static let zoneHours: [String: Int] = [
        "ut": 0, "gmt": 0, "z": 0, "adt": -3, "ast": -4, "at": -4, "edt": -4, "est": -5, "et": -5,
        "cdt": -5, "cst": -6, "ct": -6, "mdt": -6, "mst": -7, "mt": -7, "pdt": -7, "pst": -8, "pt": -8,
        "a": -1, "n": 1, "m": -12, "y": 12,
    ]
    private static let dayNames: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func month(_ word: String) -> Int? {
        months.firstIndex(of: String(word.prefix(3))).map { $0 + 1 }
    }

    /// `[Day,] DD Mon YYYY HH:MM[:SS] ZONE`, as feedparser reads it.
    static func rfc822(_ text: String) -> Date? {
        var parts = words(text.lowercased())
        guard !parts.isEmpty else { return nil }
        if parts.count < 5 { parts += ["00:00:00", "0000"] }
        if dayNames.contains(String(parts[0].prefix(3))) { parts.removeFirst() }
        guard parts.count >= 5 else { return nil }
        var monthNumber = month(parts[1])
        var day = Int(parts[0])
        if day == nil, let swapped = month(parts[0]) {
            guard let swappedDay = Int(parts[1]) else { return nil }
            day = swappedDay
            monthNumber = swapped
        }
        guard let day, let monthNumber, var year = Int(parts[2]) else { return nil }
        if parts[2].count <= 2 { year += year < 90 ? 2000 : 1900 }
        var clock = parts[3].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        while clock.count < 3 { clock.append(0) }
        guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2] else { return nil }
        var zone = parts[4]
        if zone.hasPrefix("etc/") { zone.removeFirst(4) }
        if zone.hasPrefix("gmt") {
            let rest = zone.dropFirst(3).replacingOccurrences(of: ":", with: "")
            zone = rest.isEmpty ? "gmt" : rest
        }
        let offset: Int
        if let sign = zone.first, sign == "+" || sign == "-" {
            guard let parsed = numericOffset(zone) else { return nil }
            offset = parsed
        } else {
            offset = (zoneHours[zone] ?? 0) * 60
        }
        return instant(year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: second, offsetMinutes: offset)
    }

    /// `+HHMM`, `+HH:MM`, `-HH`.
    private static func numericOffset(_ zone: String) -> Int? {
        let body = zone.dropFirst()
        guard body.count >= 2, let hours = Int(body.prefix(2)) else { return nil }
        var rest = body.dropFirst(2)
        if rest.first == ":" { rest = rest.dropFirst() }
        guard let minutes = rest.isEmpty ? 0 : Int(rest) else { return nil }
        return (zone.first == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    /// W3C-DTF and RFC 3339: `YYYY[-MM[-DD]][Thh:mm[:ss[.fff]]][Z|±hh:mm]`, also with a space.
    static func w3dtf(_ text: String) -> Date? {
        let lower = text.lowercased()
        var parts = lower.split(separator: "t", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 {
            parts = words(parts[0])
            if parts.count == 1 { parts.append("00:00:00z") }
        } else if parts.count > 2 {
            return nil
        }
        guard parts.count >= 2 else { return nil }
        var date = parts[0].split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard date.first?.count == 4 else { return nil }
        while date.count < 3 { date.append("1") }
        guard let year = Int(date[0]), let monthNumber = Int(date[1]), let day = Int(date[2]) else { return nil }
        var clockText = parts[1]
        var zone = parts.count > 2 ? parts[2] : ""
        if clockText.hasSuffix("z") {
            clockText.removeLast()
            zone = "z"
        }
        if let sign = clockText.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            zone = String(clockText[sign...])
            clockText = String(clockText[..<sign])
        }
        let offset: Int
        if let sign = zone.first, sign == "+" || sign == "-" {
            let body = Array(zone.dropFirst())
            guard body.count >= 2, let hours = Int(String(body[0..<2])) else { return nil }
            let minutesText = body.count > 3 ? String(body[3...]) : ""
            guard let minutes = minutesText.isEmpty ? 0 : Int(minutesText) else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
        } else {
            offset = (zoneHours[zone] ?? 0) * 60
        }
        var clock = clockText.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map { Double($0).map(Int.init) }
        while clock.count < 3 { clock.append(0) }
        guard let hour = clock[0], let minute = clock[1], let second = clock[2] else { return nil }
        return instant(year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: second, offsetMinutes: offset)
    }

    /// `Sun Jan  4 16:29:06 2004` (C's asctime), optionally with a zone after the year.
    static func asctime(_ text: String) -> Date? {
        let parts = words(text)
        guard parts.count >= 5, dayNames.contains(String(parts[0].lowercased().prefix(3))) else { return nil }
        let zone = parts.count > 5 ? parts[5] : "GMT"
        return rfc822([parts[2], parts[1], parts[4], parts[3], zone].joined(separator: " "))
    }

    /// `text` split at whitespace (a byte scan for ASCII text, the usual case).
    private static func words(_ text: String) -> [String] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.split(whereSeparator: \.isWhitespace).map(String.init) }
        return text.utf8.split(whereSeparator: \.isASCIIWhitespace).map { String(text[$0.startIndex..<$0.endIndex]) }
    }

    /// The UTC instant of a civil date-time at `offsetMinutes` east of UTC, nil when out of range.
    static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetMinutes: Int) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...61).contains(second) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
