// The test server, its backends and the body helpers live in WharfTesting, shared by every suite
// that drives the HTTP faces.
@_exported import WharfTesting
