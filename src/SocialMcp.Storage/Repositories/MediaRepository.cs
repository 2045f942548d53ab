using Dapper;
using SocialMcp.Core.Media;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class MediaRepository(DbContext db) : IMediaRepository
{
    private const string Columns =
        """
        id AS Id, workspace_id AS WorkspaceId, sha256 AS Sha256, size_bytes AS SizeBytes, mime_type AS MimeType, kind AS Kind,
        width AS Width, height AS Height, duration_seconds AS DurationSeconds, video_codec AS VideoCodec, frame_rate AS FrameRate,
        file_name AS FileName, source AS Source, source_host AS SourceHost, created_at AS CreatedAt
        """;

    public Task InsertAsync(MediaAsset asset, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO media_assets (id, workspace_id, sha256, size_bytes, mime_type, kind, width, height, duration_seconds,
                                      video_codec, frame_rate, file_name, source, source_host, created_at)
            VALUES (@Id, @WorkspaceId, @Sha256, @SizeBytes, @MimeType, @Kind, @Width, @Height, @DurationSeconds,
                    @VideoCodec, @FrameRate, @FileName, @Source, @SourceHost, @CreatedAt);
            """,
            new
            {
                asset.Id, asset.WorkspaceId, asset.Sha256, asset.SizeBytes, asset.Probe.MimeType, asset.Probe.Kind,
                asset.Probe.Width, asset.Probe.Height, asset.Probe.DurationSeconds, asset.Probe.VideoCodec, asset.Probe.FrameRate,
                asset.FileName, asset.Source, asset.SourceHost, CreatedAt = Time(asset.CreatedAt),
            }, cancellationToken));

    public async Task<MediaAsset?> GetAsync(string workspaceId, string mediaId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<MediaRow>(Command(db,
            $"SELECT {Columns} FROM media_assets WHERE workspace_id = @workspaceId AND id = @mediaId;",
            new { workspaceId, mediaId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<MediaAsset>> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken)
    {
        // Insertion order breaks ties (rowid; seq on PostgreSQL): ids made within one millisecond (UUIDv7) do not sort by creation.
        var rows = await db.Connection.QueryAsync<MediaRow>(Command(db, db.Sql(
            sqlite: $"SELECT {Columns} FROM media_assets WHERE workspace_id = @workspaceId ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset;",
            postgres: $"SELECT {Columns} FROM media_assets WHERE workspace_id = @workspaceId ORDER BY created_at DESC, seq DESC LIMIT @limit OFFSET @offset;"),
            new { workspaceId, limit, offset }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task<int> CountAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM media_assets WHERE workspace_id = @workspaceId;", new { workspaceId }, cancellationToken));

    public Task<long> TotalBytesAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<long>(Command(db,
            "SELECT COALESCE(SUM(size_bytes), 0) FROM media_assets WHERE workspace_id = @workspaceId;", new { workspaceId }, cancellationToken));

    public Task<int> CountUploadsSinceAsync(string workspaceId, DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM media_assets WHERE workspace_id = @workspaceId AND created_at >= @since;",
            new { workspaceId, since = Time(since) }, cancellationToken));

    // Reads the media array of the stored content JSON itself (json_each; jsonb containment on PostgreSQL), rather than
    // keeping a side table in step with every write of a post's content: the content is the one truth, and only a delete
    // asks (see docs/decisions.md).
    public async Task<IReadOnlyList<string>> PostsUsingAsync(string workspaceId, string mediaId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db, db.Sql(
            sqlite: """
            SELECT p.id FROM posts p
            WHERE p.workspace_id = @workspaceId AND p.status IN ('scheduled', 'publishing', 'partial', 'failed')
              AND EXISTS (SELECT 1 FROM json_each(p.content, '$.media') m WHERE json_extract(m.value, '$.mediaId') = @mediaId)
            ORDER BY p.created_at, p.id;
            """,
            postgres: """
            SELECT p.id FROM posts p
            WHERE p.workspace_id = @workspaceId AND p.status IN ('scheduled', 'publishing', 'partial', 'failed')
              AND p.content::jsonb -> 'media' @> jsonb_build_array(jsonb_build_object('mediaId', @mediaId::text))
            ORDER BY p.created_at, p.id;
            """),
            new { workspaceId, mediaId }, cancellationToken))).ToList();

    public async Task<bool> DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM media_assets WHERE workspace_id = @workspaceId AND id = @mediaId;", new { workspaceId, mediaId }, cancellationToken)) == 1;

    public Task<int> CountBySha256Async(string sha256, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM media_assets WHERE sha256 = @sha256;", new { sha256 }, cancellationToken));

    private sealed class MediaRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Sha256 { get; init; } = "";
        public long SizeBytes { get; init; }
        public string MimeType { get; init; } = "";
        public string Kind { get; init; } = "";
        public long? Width { get; init; }
        public long? Height { get; init; }
        public double? DurationSeconds { get; init; }
        public string? VideoCodec { get; init; }
        public double? FrameRate { get; init; }
        public string? FileName { get; init; }
        public string Source { get; init; } = "";
        public string? SourceHost { get; init; }
        public string CreatedAt { get; init; } = "";

        public MediaAsset ToDomain() => new()
        {
            Id = Id,
            WorkspaceId = WorkspaceId,
            Sha256 = Sha256,
            SizeBytes = SizeBytes,
            Probe = new MediaProbe(MimeType, Kind, (int?)Width, (int?)Height, DurationSeconds, VideoCodec, FrameRate),
            FileName = FileName,
            Source = Source,
            SourceHost = SourceHost,
            CreatedAt = ParseTime(CreatedAt),
        };
    }
}
