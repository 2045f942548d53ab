using SocialMcp.Core.Media;

namespace SocialMcp.Platforms.Media;

/// <summary>A fetched file in a temporary file opened with DeleteOnClose: disposing it removes the file.</summary>
internal sealed class FetchedMediaFile : IFetchedMedia
{
    private readonly FileStream _file;

    private FetchedMediaFile(FileStream file) => _file = file;

    public Stream Content => _file;
    public long Length => _file.Length;
    public string? ServedContentType { get; private set; }
    public string FinalHost { get; private set; } = "";

    /// <summary>A new empty temporary file to write the body into.</summary>
    public static FetchedMediaFile Create() =>
        new(new FileStream(Path.Combine(Path.GetTempPath(), "socialmcp-fetch-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous));

    public FileStream Writer => _file;

    /// <summary>Marks the body complete: rewinds and records what the server said.</summary>
    public void Complete(string? servedContentType, string finalHost)
    {
        _file.Position = 0;
        ServedContentType = servedContentType;
        FinalHost = finalHost;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
