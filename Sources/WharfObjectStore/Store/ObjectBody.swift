import NIOCore

/// The bytes of an object as a pull-driven stream of chunks: each `next()` reads the next chunk,
/// so a slow consumer never makes the store buffer. Iterate it once.
public struct ObjectBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// Produces the next chunk, or nil at the end.
    public typealias Pull = @Sendable () async throws -> ByteBuffer?

    private let pull: Pull

    /// Wraps a pull function; the source behind it must release its resources when dropped.
    public init(pull: @escaping Pull) {
        self.pull = pull
    }

    /// Adapts any stream of buffers (an HTTP client body, a test sequence).
    public init<S: AsyncSequence & Sendable>(_ sequence: S) where S.Element == ByteBuffer {
        let box = IteratorBox(sequence.makeAsyncIterator())
        self.pull = { try await box.next() }
    }

    /// Pulls one chunk per `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let pull: Pull
        public mutating func next() async throws -> ByteBuffer? {
            try await pull()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pull: pull)
    }

    /// Gathers the whole body, refusing more than `limit` bytes.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await var chunk in self {
            guard all.readableBytes + chunk.readableBytes <= limit else {
                throw ObjectStoreError.invalidArgument(field: "body", reason: "more than \(limit) bytes")
            }
            all.writeBuffer(&chunk)
        }
        return all
    }
}

/// Holds a non-Sendable iterator that only one consumer drives at a time.
private final class IteratorBox<I: AsyncIteratorProtocol>: @unchecked Sendable where I.Element == ByteBuffer {
    var iterator: I
    init(_ iterator: I) { self.iterator = iterator }
    func next() async throws -> ByteBuffer? {
        try await iterator.next()
    }
}

/// A body of exactly one buffer.
public struct SingleBuffer: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let buffer: ByteBuffer
    public init(_ buffer: ByteBuffer) { self.buffer = buffer }
    /// Yields the buffer once.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        public mutating func next() async -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
