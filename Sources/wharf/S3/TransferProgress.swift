import Foundation

/// A one-line progress bar on stderr for transfers that take over a second, shown only on a terminal.
final class TransferProgress: @unchecked Sendable {
    private let label: String
    private let total: Int64?
    private let started = Date()
    private var done: Int64 = 0
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let enabled = isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
    private let lock = NSLock()

    init(label: String, total: Int64?) {
        self.label = label
        self.total = total
    }

    func advance(_ bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        done += Int64(bytes)
        let now = Date()
        guard enabled, now.timeIntervalSince(started) > 1, now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data(("\r" + line(now: now)).utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data(("\r" + line(now: Date()) + "\n").utf8)) }
    }

    private func line(now: Date) -> String {
        let rate = Double(done) / max(now.timeIntervalSince(started), 0.001)
        let speed = String(format: "%.1f MiB/s", rate / 1_048_576)
        guard let total, total > 0 else { return "\(label) \(done / 1_048_576) MiB \(speed)" }
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "\(label) [\(bar)] \(String(format: "%3.0f%%", fraction * 100)) \(speed)"
    }
}
