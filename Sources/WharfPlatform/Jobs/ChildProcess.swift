#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// What a job runs as its own process: the program, its arguments, a clean environment (never the
/// server's), its folder, the file its stdout and stderr go to, and its limits.
public struct ChildCommand: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    public var logPath: String
    /// Address-space limit (RLIMIT_AS) in bytes, set with util-linux's `prlimit` before the program starts.
    public var memoryLimitBytes: Int?

    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String,
        logPath: String, memoryLimitBytes: Int? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logPath = logPath
        self.memoryLimitBytes = memoryLimitBytes
    }
}

/// How a child process ended.
public enum ChildEnd: Sendable, Equatable, CustomStringConvertible {
    case exited(code: Int32)
    case signalled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signalled(let signal): "was killed by signal \(signal)\(Self.signalNames[signal].map { " (\($0))" } ?? "")"
        }
    }

    static let signalNames: [Int32: String] = [
        SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGINT: "SIGINT", SIGBUS: "SIGBUS",
        SIGILL: "SIGILL", SIGFPE: "SIGFPE",
    ]
}

/// A job's process, started in its own process group so that stopping it stops everything it started
/// (a training script's data loaders, a shell's children). Stop sends SIGTERM to the group, then SIGKILL
/// after a grace period.
public final class ChildProcess: Sendable {
    private let ended = Mutex<(end: ChildEnd?, waiters: [CheckedContinuation<ChildEnd, Never>])>((nil, []))
    /// The process id, which is also its process group's id.
    public let pid: Int32

    private init(pid: Int32) {
        self.pid = pid
    }

    /// Spawns the command with posix_spawn (its own process group, stdout and stderr appended to the log,
    /// stdin from /dev/null, the given environment only) and reaps it on a thread of its own with
    /// waitpid. Foundation's Process is not used: it reports an end only once every descendant has
    /// closed an inherited descriptor, so a killed leader with a live child would never be seen to end.
    public static func start(_ command: ChildCommand) throws -> ChildProcess {
        let fm = FileManager.default
        try fm.createDirectory(atPath: command.workingDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: (command.logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let log = open(command.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw WharfError(.internal, "cannot open the job log \(command.logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        // coreutils' env sets the folder (posix_spawn's addchdir is not visible to Swift) and util-linux's
        // prlimit the memory limit; each execs the next, so the job keeps the pid it was spawned with.
        var arguments = [env, "-C", command.workingDirectory, "--"]
        if let limit = command.memoryLimitBytes { arguments += [prlimit, "--as=\(limit)", "--"] }
        arguments += [command.executable] + command.arguments
        let executable = env
        var environment = command.environment
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        let envp = environment.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The server may ignore or block signals; the job starts with the defaults.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(envp) { envv in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envv)
            }
        }
        guard status == 0 else {
            throw WharfError(.invalidArgument, "cannot start '\(command.executable)': \(String(cString: strerror(status)))", field: "executable")
        }
        let spawned = pid
        let child = ChildProcess(pid: spawned)
        let reaper = Thread {
            var raw: Int32 = 0
            while waitpid(spawned, &raw, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
            let signal = raw & 0x7f
            child.record(signal == 0 ? .exited(code: (raw >> 8) & 0xff) : .signalled(signal))
        }
        reaper.name = "wharf-job-\(spawned)"
        reaper.start()
        return child
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private func record(_ end: ChildEnd) {
        let waiters: [CheckedContinuation<ChildEnd, Never>] = ended.withLock { state in
            guard state.end == nil else { return [] }
            state.end = end
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: end) }
    }

    /// How it ended, once it has.
    public var end: ChildEnd? { ended.withLock { $0.end } }

    /// Waits for the process to end.
    public func wait() async -> ChildEnd {
        await withCheckedContinuation { continuation in
            let done: ChildEnd? = ended.withLock { state in
                if let end = state.end { return end }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Sends `signal` to the whole process group.
    public func signal(_ signal: Int32) {
        guard end == nil else { return }
        kill(-pid, signal)
    }

    /// SIGTERM to the group, then SIGKILL if it has not ended within `grace`; returns how it ended.
    @discardableResult
    public func terminate(grace: Duration) async -> ChildEnd {
        signal(SIGTERM)
        // Polled, not raced in a task group: a group would wait for its `wait()` child, which only ends
        // after the SIGKILL below.
        let deadline = ContinuousClock.now + grace
        while end == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if let end { return end }
        signal(SIGKILL)
        return await wait()
    }

    static let env = ["/usr/bin/env", "/bin/env"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/env"
    static let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/prlimit"
}
