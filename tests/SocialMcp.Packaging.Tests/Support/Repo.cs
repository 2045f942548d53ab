using System.Xml.Linq;

namespace SocialMcp.Packaging.Tests.Support;

/// <summary>Paths in the repository these tests build from, and the version the server project declares.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ServerProjectDirectory => Path.Combine(Root, "src", "SocialMcp.Server");

    public static string Dockerfile => Path.Combine(Root, "Dockerfile");

    /// <summary>The <c>Version</c> of the server project: the package, server.json and <c>--version</c> all carry it.</summary>
    public static string ServerVersion { get; } = ReadServerVersion();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SocialMcp.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No SocialMcp.sln above {AppContext.BaseDirectory}.");
    }

    private static string ReadServerVersion()
    {
        var project = XDocument.Load(Path.Combine(ServerProjectDirectory, "SocialMcp.Server.csproj"));
        return project.Descendants("Version").Single().Value.Trim();
    }
}
