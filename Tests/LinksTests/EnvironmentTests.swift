import Testing
@testable import Links

@Suite struct EnvironmentTests {
    @Test(arguments: Environment.allCases) func rawValueRoundTrips(_ e: Environment) {
        #expect(Environment(rawValue: e.rawValue) == e)
    }
}
