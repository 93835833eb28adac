import PostgresKit
import SQLiteKit

/// Database errors in the platform's terms, decided by the engine's error code (never by message text):
/// a violated constraint is a conflict the caller can act on, a busy or unreachable database is
/// unavailable (worth retrying), anything else is internal.
enum SQLErrorMapping {
    static func wharfError(_ error: PSQLError) -> WharfError {
        // PSQLError's description hides the server's message; keep it (the connection string is not in it).
        let message = "PostgreSQL: \(error.serverInfo?[.message] ?? String(reflecting: error))"
        guard let state = error.serverInfo?[.sqlState] else {
            // No server answer: the connection failed or closed.
            return error.code == .server ? WharfError(.internal, message) : WharfError(.unavailable, message)
        }
        switch state.prefix(2) {
        case "23": return WharfError(.conflict, message)                  // integrity constraint violation
        case "40", "53", "57", "08": return WharfError(.unavailable, message) // serialization, resources, shutdown, connection
        case "22": return WharfError(.invalidArgument, message)           // data exception (a value out of range)
        default: return WharfError(.internal, message)
        }
    }

    static func wharfError(_ error: SQLiteError) -> WharfError {
        let message = "SQLite: \(error.message)"
        let reason = error.reason
        if constraint.contains(reason) { return WharfError(.conflict, message) }
        if unavailable.contains(reason) { return WharfError(.unavailable, message) }
        if damaged.contains(reason) { return WharfError(.unavailable, "\(message): the database file is damaged") }
        if reason == .tooBig { return WharfError(.payloadTooLarge, message) }
        return WharfError(.internal, message)
    }

    private static let constraint: Set<SQLiteError.Reason> = [
        .constraint, .constraintCheckFailed, .constraintForeignKeyFailed, .constraintNotNullFailed,
        .constraintPrimaryKeyFailed, .constraintUniqueFailed, .constraintUniqueRowIDFailed, .constraintTriggerFailed,
    ]

    /// A busy database, a full disk, a file that cannot be opened or written: worth retrying after the cause is gone.
    private static let unavailable: Set<SQLiteError.Reason> = [
        .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache, .full, .ioError,
        .ioErrorFailedRead, .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedDirSync, .ioErrorFailedTruncate,
        .ioErrorFailedStat, .ioErrorNoMemory, .ioErrorFailedAccess, .ioErrorFailedDelete, .cantOpen, .cantOpenDirectory,
        .cantOpenInvalidPath, .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyBackingMoved, .readonlyInRecovery,
        .readonlyInRollback, .noMemory, .interrupt,
    ]

    private static let damaged: Set<SQLiteError.Reason> = [.corrupt, .corruptIndex, .corruptSequenceSchema, .notADatabase]
}
