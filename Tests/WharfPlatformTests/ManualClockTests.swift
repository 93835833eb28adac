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

/// The services read the platform's clock, not the system's: times a user sees follow a manual clock.
@Suite struct PlatformClockTests {
    @Test func keysExperimentsAndModelsAreStampedWithThePlatformsClock() async throws {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_500_000_000))
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-clock-\(UUID().uuidString)")
        let platform = try await Platform.open(PlatformConfiguration(home: home), clock: clock)
        let key = try await platform.keys.create(name: "k", role: .read)
        #expect(key.key.createdAt == 1_500_000_000_000)
        clock.advance(by: 60)
        let experiment = try await platform.tracking.getExperiment(try await platform.tracking.createExperiment(name: "timed"))
        #expect(experiment.creationTime == 1_500_000_060_000)
        clock.advance(by: 60)
        let model = try await platform.registry.createRegisteredModel(name: "timed-model")
        #expect(model.creationTimestamp == 1_500_000_120_000)
        let job = try await platform.jobs.enqueue(kind: "k", name: "n", spec: "{}")
        #expect(job.createdAt == 1_500_000_120_000)
        try await platform.close()
    }
}
