using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Storage;

/// <summary>
/// Library files under <c>Media:Root</c> (default: a <c>media</c> directory beside the database), at
/// <c>{root}/{sha[0..2]}/{sha}</c>. Like the database they are readable by their owner only: directories 0700, files
/// 0600 from creation. A temporary file lives in the root itself, so the final move stays on one file system and is atomic.
/// </summary>
public sealed class MediaFileStore : IMediaFileStore
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string TempPrefix = ".incoming-";

    public MediaFileStore(IOptions<MediaOptions> options, IOptions<StorageOptions> storage)
    {
        var configured = options.Value.Root;
        Root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(storage.Value.DataDirectory, "media")
            : Path.GetFullPath(configured);
    }

    public string Root { get; }

    public async Task<StagedMediaFile> StageAsync(Stream content, long maxBytes, string path, CancellationToken cancellationToken)
    {
        CreateOwnerOnlyDirectory(Root);
        var tempPath = Path.Combine(Root, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var file = new FileStream(tempPath, CreateOptions()))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    length += read;
                    if (length > maxBytes)
                        throw TooLarge(maxBytes, path);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            return new Staged(this, tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
    }

    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    /// <summary>Where the file with this hash lives; the hash is checked to be hex, so it can never name another path.</summary>
    public string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a lower-case SHA-256 hex digest.", nameof(sha256));
        return Path.Combine(Root, sha256[..2], sha256);
    }

    public static DomainValidationException TooLarge(long maxBytes, string path) => new([new Problem(ErrorCodes.MediaTooLarge,
        $"The file is larger than the {maxBytes:N0} bytes this upload takes.", path,
        Hint: "Use a smaller file, or for a large file use POST /media (multipart) instead of inline base64.")]);

    private static FileStreamOptions CreateOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerFileMode;
        return options;
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, DirectoryMode);
    }

    private sealed class Staged(MediaFileStore store, string tempPath, string sha256, long length) : StagedMediaFile
    {
        private bool _committed;

        public override string Sha256 => sha256;
        public override long Length => length;

        public override Stream OpenRead() =>
            new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);

        public override Task CommitAsync(CancellationToken cancellationToken)
        {
            var target = store.PathOf(sha256);
            CreateOwnerOnlyDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                // Same hash, same bytes: keep the stored copy.
                File.Delete(tempPath);
            }
            else
            {
                try
                {
                    File.Move(tempPath, target, overwrite: false);
                }
                catch (IOException) when (File.Exists(target))
                {
                    File.Delete(tempPath); // another writer stored the same bytes first
                }
            }
            _committed = true;
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            if (!_committed)
                File.Delete(tempPath);
            return ValueTask.CompletedTask;
        }
    }
}
