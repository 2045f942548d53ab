namespace SocialMcp.Schema.Tests.TestSuite;

/// <summary>
/// Finds the official JSON-Schema-Test-Suite (draft 2020-12). Locally and in CI it lives in a "shared" folder
/// next to (or above) the repository, so we walk up from the test binaries. Missing suite = failing tests, never skipped.
/// </summary>
internal static class TestSuiteLocator
{
    public const string EnvironmentVariable = "SOCIALMCP_JSON_SCHEMA_TEST_SUITE";

    private static readonly string s_relativeDraftPath =
        Path.Combine("shared", "data", "json-schema-test-suite", "draft2020-12");

    private static readonly Lazy<(string? Directory, string Problem)> s_location = new(Locate);

    public static bool IsAvailable => s_location.Value.Directory is not null;

    /// <summary>The draft2020-12 folder of the suite; throws with an actionable message when it cannot be found.</summary>
    public static string DraftDirectory =>
        s_location.Value.Directory ?? throw new InvalidOperationException(s_location.Value.Problem);

    private static (string? Directory, string Problem) Locate()
    {
        var overridePath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            foreach (var candidate in new[] { Path.Combine(overridePath, "draft2020-12"), overridePath })
            {
                if (File.Exists(Path.Combine(candidate, "type.json")))
                {
                    return (Path.GetFullPath(candidate), string.Empty);
                }
            }

            return (null,
                $"{EnvironmentVariable} is set to '{overridePath}', but neither it nor its 'draft2020-12' subfolder contains the JSON-Schema-Test-Suite files (type.json, ...).");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, s_relativeDraftPath);
            if (Directory.Exists(candidate))
            {
                return (candidate, string.Empty);
            }
        }

        return (null,
            $"The JSON-Schema-Test-Suite was not found: no ancestor of '{AppContext.BaseDirectory}' contains '{s_relativeDraftPath}'. "
            + $"Check out the shared data folder next to the repository, or set {EnvironmentVariable} to the suite folder.");
    }
}
