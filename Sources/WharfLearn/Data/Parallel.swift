import Dispatch
import Foundation

/// Runs a loop body over `count` chunks on up to `threads` threads, in a fixed chunking so results repeat.
enum Parallel {
    private struct UncheckedBody: @unchecked Sendable {
        let body: (Int) -> Void
    }

    static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        if threads <= 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedBody(body: escaping)
            DispatchQueue.concurrentPerform(iterations: count) { box.body($0) }
        }
    }

    /// Splits 0..<total into `parts` contiguous ranges of near-equal size.
    static func ranges(_ total: Int, parts: Int) -> [Range<Int>] {
        let parts = max(1, min(parts, total))
        return (0..<parts).map { p in (total * p / parts)..<(total * (p + 1) / parts) }
    }

    static var availableCores: Int { ProcessInfoCores.count }
}

enum ProcessInfoCores {
    static let count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
