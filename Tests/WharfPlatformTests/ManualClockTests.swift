import Foundation
import Testing
import WharfPlatform

/// The clock seam: timeouts, leases and schedules are tested by moving time, not by waiting for it.
@Suite struct ManualClockTests {
    @Test(.timeLimit(.minutes(1))) func sleepersWakeInDeadlineOrderOnlyWhenTimePasses() async throws {
        let clock = ManualClock()
        let start = clock.now()
        let (woke, wokeSignal) = AsyncStream<Int>.makeStream()
        let sleepers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for seconds in [30, 10, 20] {
                    group.addTask {
                        try await clock.sleep(for: .seconds(seconds))
                        wokeSignal.yield(seconds)
                    }
                }
                try await group.waitForAll()
            }
        }
        while clock.sleeperCount < 3 { await Task.yield() }
        clock.advance(by: 5)
        #expect(clock.sleeperCount == 3)
        clock.advance(by: 20)
        var order: [Int] = []
        for await seconds in woke {
            order.append(seconds)
            if order.count == 2 { break }
        }
        #expect(Set(order) == [10, 20])
        #expect(clock.sleeperCount == 1)
        clock.advance(by: 5)
        try await sleepers.value
        #expect(clock.now().timeIntervalSince(start) == 30)
        #expect(clock.milliseconds() == WallClock.millisecondsSinceEpoch(start) + 30_000)
    }

    @Test(.timeLimit(.minutes(1))) func cancellingASleeperEndsItWithoutTimePassing() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        while clock.sleeperCount < 1 { await Task.yield() }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func aZeroSleepReturnsAtOnce() async throws {
        let clock = ManualClock()
        try await clock.sleep(for: .zero)
        #expect(clock.sleeperCount == 0)
    }
}
