import Crypto
import Synchronization

/// Signing keys already derived: one per secret, day, region and service, so a busy credential costs
/// one HMAC chain a day instead of four HMACs a request. Bounded; emptied when full.
final class SigningKeyCache: Sendable {
    static let shared = SigningKeyCache()
    private static let capacity = 4096
    private let keys = Mutex<[String: SymmetricKey]>([:])

    func key(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        // NUL cannot occur in a secret or a scope part, so the joined text names one combination.
        let name = secret + "\u{0}" + date + "\u{0}" + region + "\u{0}" + service
        if let found = keys.withLock({ $0[name] }) { return found }
        let derived = SigV4.deriveSigningKey(secret: secret, date: date, region: region, service: service)
        keys.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[name] = derived
        }
        return derived
    }
}
