namespace SocialMcp.Core.Media;

/// <summary>
/// The library's files, named by content hash (SocialMcp.Storage keeps them under <c>Media:Root</c>). A file arrives in two
/// steps: <see cref="StageAsync"/> writes it to a temporary file while hashing and counting (so nothing is kept whole in
/// memory), then <see cref="StagedMediaFile.CommitAsync"/> moves it into place atomically. The library commits and deletes
/// inside the store's write transaction, so a file and the rows that name it never disagree for long.
/// </summary>
public interface IMediaFileStore
{
    /// <summary>
    /// Copies <paramref name="content"/> to a temporary file beside the store, hashing it on the way. More than
    /// <paramref name="maxBytes"/> bytes: MEDIA_TOO_LARGE at <paramref name="path"/>, and nothing is kept.
    /// </summary>
    Task<StagedMediaFile> StageAsync(Stream content, long maxBytes, string path, CancellationToken cancellationToken);

    /// <summary>A read-only, seekable stream over the stored file with this hash.</summary>
    Stream OpenRead(string sha256);

    bool Exists(string sha256);

    /// <summary>Removes the stored file (when no asset row names it any more); a missing file is not an error.</summary>
    void Delete(string sha256);
}

/// <summary>A hashed temporary file, deleted on dispose unless it was committed into the store.</summary>
public abstract class StagedMediaFile : IAsyncDisposable
{
    public abstract string Sha256 { get; }
    public abstract long Length { get; }

    /// <summary>A fresh read-only stream over the staged bytes (for the probe).</summary>
    public abstract Stream OpenRead();

    /// <summary>Moves the file to its content address; when the same bytes are stored already, the copy is just dropped.</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
