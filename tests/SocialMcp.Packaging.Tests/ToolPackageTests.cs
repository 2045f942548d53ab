using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using SocialMcp.Packaging.Tests.Support;

namespace SocialMcp.Packaging.Tests;

/// <summary>
/// Packs the server as a .NET tool and installs it from that package alone, as <c>dotnet tool install</c> and
/// <c>dnx</c> would from NuGet.org.
/// </summary>
public sealed class ToolPackageFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "socialmcp-pack-" + Guid.NewGuid().ToString("N"));
    public string PackagePath => Path.Combine(Directory, "nupkg", $"SocialMcp.{Repo.ServerVersion}.nupkg");
    public string ToolCommand => Path.Combine(Directory, "tools", OperatingSystem.IsWindows() ? "socialmcp.exe" : "socialmcp");

    public async Task InitializeAsync()
    {
        var pack = await Cli.DotnetAsync(
            ["pack", "src/SocialMcp.Server", "-c", "Release", "-o", Path.Combine(Directory, "nupkg")], TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, pack.ToString());

        // --source (not --add-source) and a private packages folder: the tool comes from this package, never from
        // NuGet.org or from a SocialMcp of the same version extracted by an earlier run.
        var install = await Cli.DotnetAsync(
            ["tool", "install", "SocialMcp", "--tool-path", Path.Combine(Directory, "tools"),
             "--source", Path.Combine(Directory, "nupkg"), "--version", Repo.ServerVersion],
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Directory, "packages") });
        Assert.True(install.ExitCode == 0, install.ToString());
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

public sealed class ToolPackageTests(ToolPackageFixture package) : IClassFixture<ToolPackageFixture>
{
    [Fact]
    public async Task InstalledTool_Version_PrintsTheProjectVersion()
    {
        var result = await Cli.RunAsync(package.ToolCommand, ["--version"], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.ToString());
        // The informational version, e.g. 0.1.0+<commit> when built from a git checkout.
        Assert.Equal(Repo.ServerVersion, result.StandardOutput.Trim().Split('+')[0]);
    }

    [Fact]
    public void Package_Nuspec_IsTheSocialMcpToolAndMcpServer()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);

        var nuspec = ReadNuspec(nupkg);

        Assert.Equal("SocialMcp", Metadata(nuspec, "id"));
        Assert.Equal(Repo.ServerVersion, Metadata(nuspec, "version"));
        Assert.Equal("README.md", Metadata(nuspec, "readme"));
        var packageTypes = nuspec.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => (string?)e.Attribute("name")).ToList();
        Assert.Contains("DotnetTool", packageTypes);
        Assert.Contains("McpServer", packageTypes);
    }

    [Fact]
    public void Package_Readme_IsTheRepositoryReadme()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);

        var readme = ReadText(nupkg, "README.md");

        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "README.md")).ReplaceLineEndings(), readme.ReplaceLineEndings());
    }

    [Fact]
    public void Package_ServerJson_DescribesThisPackageOverStdio()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        var nuspec = ReadNuspec(nupkg);

        using var serverJson = JsonDocument.Parse(ReadText(nupkg, ".mcp/server.json"));

        var server = serverJson.RootElement;
        Assert.Equal("io.github.socialmcp/socialmcp", server.GetProperty("name").GetString());
        Assert.Equal(Metadata(nuspec, "version"), server.GetProperty("version").GetString());
        Assert.InRange(server.GetProperty("description").GetString()!.Length, 1, 100);
        var nuget = Assert.Single(server.GetProperty("packages").EnumerateArray());
        Assert.Equal("nuget", nuget.GetProperty("registryType").GetString());
        Assert.Equal(Metadata(nuspec, "id"), nuget.GetProperty("identifier").GetString());
        Assert.Equal(Metadata(nuspec, "version"), nuget.GetProperty("version").GetString());
        Assert.Equal("stdio", nuget.GetProperty("transport").GetProperty("type").GetString());
        var argument = Assert.Single(nuget.GetProperty("packageArguments").EnumerateArray());
        Assert.Equal("positional", argument.GetProperty("type").GetString());
        Assert.Equal("serve", argument.GetProperty("value").GetString());
        var storagePath = Assert.Single(nuget.GetProperty("environmentVariables").EnumerateArray());
        Assert.Equal("SOCIALMCP_Storage__Path", storagePath.GetProperty("name").GetString());
        Assert.False(storagePath.GetProperty("isRequired").GetBoolean());
    }

    private static XDocument ReadNuspec(ZipArchive nupkg) => XDocument.Parse(ReadText(nupkg, "SocialMcp.nuspec"));

    private static string? Metadata(XDocument nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name && e.Parent?.Name.LocalName == "metadata")?.Value;

    private static string ReadText(ZipArchive nupkg, string entryName)
    {
        var entry = nupkg.GetEntry(entryName);
        Assert.True(entry is not null, $"{entryName} is not in the package; it has: {string.Join(", ", nupkg.Entries.Select(e => e.FullName))}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
