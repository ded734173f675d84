import Foundation

/// When a feed is polled next: an interval that follows the feed's own cadence, and exponential
/// backoff while it fails, both within the operator's bounds.
struct FeedSchedule: Sendable {
    let settings: RSSSettings

    /// The interval after a successful poll: half the median gap between the newest entries'
    /// dates (so a daily feed is read twice a day); without dates, halved when something new
    /// came and stretched by half when nothing did. Within the configured bounds.
    func interval(entryDates: [Date], previous: Double?, newItems: Int) -> Double {
        let dates = entryDates.sorted(by: >).prefix(11)
        let gaps = zip(dates, dates.dropFirst()).map { $0.timeIntervalSince($1) }.filter { $0 > 0 }.sorted()
        let proposed: Double
        if gaps.count >= 2 {
            proposed = gaps[gaps.count / 2] / 2
        } else {
            let base = previous ?? settings.minimumInterval
            proposed = newItems > 0 ? base / 2 : base * 1.5
        }
        return clamp(proposed)
    }

    /// The wait after `failures` failed polls in a row: the minimum interval doubled per failure,
    /// at most the maximum, ±10 % jitter (`random` in [0, 1)).
    func backoff(failures: Int, random: Double) -> Double {
        let base = settings.minimumInterval * pow(2, Double(max(0, min(failures - 1, 30))))
        return min(base, settings.maximumInterval) * (0.9 + 0.2 * random)
    }

    func clamp(_ interval: Double) -> Double {
        min(max(interval, settings.minimumInterval), settings.maximumInterval)
    }
}
