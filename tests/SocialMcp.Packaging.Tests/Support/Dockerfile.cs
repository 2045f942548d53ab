using System.Text.Json;
using System.Text.RegularExpressions;

namespace SocialMcp.Packaging.Tests.Support;

/// <summary>
/// The repository's Dockerfile, read as instructions (continuation lines joined), so tests can run what the image
/// runs: its publish command, entrypoint, default command, environment and health check.
/// </summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<string> instructions) => Instructions = instructions;

    public IReadOnlyList<string> Instructions { get; }

    public static Dockerfile Load()
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Repo.Dockerfile))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
                continue;
            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }
            instructions.Add(current + line);
            current = "";
        }
        return new Dockerfile(instructions);
    }

    /// <summary>The RUN instructions' commands, without leading <c>--mount=…</c> style flags.</summary>
    public IEnumerable<string> RunCommands =>
        Instructions.Where(i => i.StartsWith("RUN ", StringComparison.Ordinal))
            .Select(i => RunFlags().Replace(i["RUN ".Length..], ""));

    public IReadOnlyList<string> Entrypoint => ExecForm("ENTRYPOINT");

    public IReadOnlyList<string> Cmd => ExecForm("CMD");

    /// <summary>The command of <c>HEALTHCHECK [options] CMD [...]</c>.</summary>
    public IReadOnlyList<string> HealthCheck
    {
        get
        {
            var instruction = Instructions.Single(i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
            var cmd = instruction.IndexOf(" CMD ", StringComparison.Ordinal);
            Assert.True(cmd > 0, $"HEALTHCHECK without an exec-form CMD: {instruction}");
            return JsonSerializer.Deserialize<string[]>(instruction[(cmd + " CMD ".Length)..])!;
        }
    }

    /// <summary><c>ENV NAME=value</c> instructions.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        Instructions.Where(i => i.StartsWith("ENV ", StringComparison.Ordinal))
            .Select(i => i["ENV ".Length..].Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());

    private IReadOnlyList<string> ExecForm(string keyword)
    {
        var instruction = Instructions.Last(i => i.StartsWith(keyword + " ", StringComparison.Ordinal));
        return JsonSerializer.Deserialize<string[]>(instruction[(keyword.Length + 1)..])
            ?? throw new InvalidOperationException($"{keyword} is not in exec form: {instruction}");
    }

    [GeneratedRegex(@"^(--\S+\s+)+")]
    private static partial Regex RunFlags();
}
