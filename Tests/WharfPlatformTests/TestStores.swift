import Foundation
import Testing
@testable import WharfPlatform

// The backends and the test sealer live in WharfTesting, shared by every suite that needs a store.
@_exported import WharfTesting

@Suite struct ServiceAvailabilityTests {
    @Test(
        "PostgreSQL is configured for the shared store suite",
        .enabled(if: TestBackend.postgresURL != nil || TestBackend.servicesRequired,
                 "WHARF_TEST_POSTGRES_URL is not set: the PostgreSQL cases of the store suite are skipped")
    )
    func postgresConfigured() {
        #expect(TestBackend.postgresURL != nil, "scripts/test must export WHARF_TEST_POSTGRES_URL")
    }
}
