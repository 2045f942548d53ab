namespace SocialMcp.Schema.Tests.TestSuite;

/// <summary>
/// Finds the official JSON-Schema-Test-Suite (draft 2020-12). The files are committed under
/// TestSuite/json-schema-test-suite and copied next to the test binaries by the csproj, so a clean clone needs nothing
/// else. Missing suite = failing tests, never skipped.
/// </summary>
internal static class TestSuiteLocator
{
    private static readonly string s_relativeDraftPath =
        Path.Combine("TestSuite", "json-schema-test-suite", "draft2020-12");

    private static readonly Lazy<(string? Directory, string Problem)> s_location = new(Locate);

    public static bool IsAvailable => s_location.Value.Directory is not null;

    /// <summary>The draft2020-12 folder of the suite; throws with an actionable message when it cannot be found.</summary>
    public static string DraftDirectory =>
        s_location.Value.Directory ?? throw new InvalidOperationException(s_location.Value.Problem);

    private static (string? Directory, string Problem) Locate()
    {
        var candidate = Path.Combine(AppContext.BaseDirectory, s_relativeDraftPath);
        if (File.Exists(Path.Combine(candidate, "type.json")))
        {
            return (candidate, string.Empty);
        }

        return (null,
            $"The JSON-Schema-Test-Suite was not found at '{candidate}'. It is committed under "
            + "tests/SocialMcp.Schema.Tests/TestSuite/json-schema-test-suite and copied there by the build: rebuild the test project.");
    }
}
