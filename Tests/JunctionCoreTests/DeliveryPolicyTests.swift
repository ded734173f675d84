import Foundation
import JunctionCore
import Testing

@Suite("Delivery policy")
struct DeliveryPolicyTests {
    let policy = DeliveryPolicy()
    let created = Date(timeIntervalSince1970: 1_000_000)

    @Test("backoff doubles from 30 s, is capped at 6 h, and jitters within ±20 %")
    func backoff() {
        #expect(policy.delay(afterAttempts: 1, random: 0.5) == 30)
        #expect(policy.delay(afterAttempts: 2, random: 0.5) == 60)
        #expect(policy.delay(afterAttempts: 5, random: 0.5) == 480)
        #expect(policy.delay(afterAttempts: 30, random: 0.5) == 6 * 3600)
        #expect(policy.delay(afterAttempts: 1, random: 0) == 24)
        #expect(policy.delay(afterAttempts: 1, random: 0.999_999) > 35.99)
    }

    @Test("outcomes map to decisions; Retry-After is honoured")
    func decisions() {
        let now = created.addingTimeInterval(10)
        #expect(policy.decide(.delivered, created: created, attempts: 1, now: now, random: 0.5) == .delivered)
        #expect(policy.decide(.refused("HTTP 410"), created: created, attempts: 1, now: now, random: 0.5) == .refused("HTTP 410"))
        #expect(policy.decide(.retry("HTTP 503", after: nil), created: created, attempts: 1, now: now, random: 0.5)
                == .retry(at: now.addingTimeInterval(30), reason: "HTTP 503"))
        #expect(policy.decide(.retry("HTTP 429", after: 600), created: created, attempts: 1, now: now, random: 0.5)
                == .retry(at: now.addingTimeInterval(600), reason: "HTTP 429"))
    }

    @Test("past the 3-day window an entry is dead-lettered, never dropped")
    func deadLetter() {
        let late = created.addingTimeInterval(3 * 24 * 3600 - 10)
        guard case .deadLetter(let reason) = policy.decide(.retry("HTTP 502", after: nil), created: created, attempts: 20, now: late, random: 0.5) else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason.contains("20 attempts") && reason.contains("HTTP 502"))
    }

    @Test("the whole retry schedule stays inside the window and grows")
    func schedule() {
        var now = created
        var attempts = 0
        var waits: [TimeInterval] = []
        while true {
            attempts += 1
            switch policy.decide(.retry("down", after: nil), created: created, attempts: attempts, now: now, random: 0.5) {
            case .retry(let at, _):
                waits.append(at.timeIntervalSince(now))
                now = at
            case .deadLetter:
                #expect(now <= created.addingTimeInterval(policy.retryWindow))
                #expect(waits == waits.sorted())
                #expect(attempts > 10 && attempts < 40)
                return
            default:
                Issue.record("unexpected decision")
                return
            }
        }
    }

    @Test("site health: failures count, an answer heals, 14 silent days mark it dead")
    func siteHealth() {
        var site = Site(host: "remote.example")
        let start = created
        site = policy.site(site, after: .retry("down", after: nil), now: start)
        #expect(site.failureStreak == 1 && site.firstFailure == start && !site.isDead)
        site = policy.site(site, after: .retry("down", after: nil), now: start.addingTimeInterval(13 * 24 * 3600))
        #expect(site.failureStreak == 2 && !site.isDead)
        site = policy.site(site, after: .retry("down", after: nil), now: start.addingTimeInterval(14 * 24 * 3600 + 1))
        #expect(site.isDead)
        #expect(policy.concurrency(for: site, now: start.addingTimeInterval(14 * 24 * 3600 + 2)) == 0)
        #expect(policy.concurrency(for: site, now: start.addingTimeInterval(16 * 24 * 3600)) == 1)  // daily probe
        site = policy.site(site, after: .refused("HTTP 404"), now: start.addingTimeInterval(20 * 24 * 3600))
        #expect(!site.isDead && site.failureStreak == 0 && site.firstFailure == nil)
    }

    @Test("one probe while failing, full concurrency while healthy, none while blocked")
    func concurrency() {
        let now = created
        #expect(policy.concurrency(for: nil, now: now) == policy.perDestinationConcurrency)
        #expect(policy.concurrency(for: Site(host: "a", failureStreak: 3), now: now) == 1)
        #expect(policy.concurrency(for: Site(host: "a", isBlocked: true), now: now) == 0)
    }
}
