using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class TargetStepRepository(DbContext db) : ITargetStepRepository
{
    public async Task<IReadOnlyList<TargetStep>> ListForPostAsync(string postId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<StepRow>(Command(db,
            """
            SELECT post_id AS PostId, platform AS Platform, kind AS Kind, step_index AS StepIndex, status AS Status,
                   platform_post_id AS PlatformPostId, public_url AS PublicUrl, error_code AS ErrorCode, error_message AS ErrorMessage,
                   platform_error_code AS PlatformErrorCode, platform_error_message AS PlatformErrorMessage,
                   platform_http_status AS PlatformHttpStatus, attempt_count AS AttemptCount, published_at AS PublishedAt, updated_at AS UpdatedAt
            FROM target_steps WHERE post_id = @postId
            ORDER BY platform, CASE kind WHEN 'part' THEN 0 ELSE 1 END, step_index;
            """,
            new { postId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task UpsertAsync(TargetStep step, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO target_steps (post_id, platform, kind, step_index, status, platform_post_id, public_url, error_code, error_message,
                                      platform_error_code, platform_error_message, platform_http_status, attempt_count, published_at, updated_at)
            VALUES (@PostId, @Platform, @Kind, @StepIndex, @Status, @PlatformPostId, @PublicUrl, @ErrorCode, @ErrorMessage,
                    @PlatformErrorCode, @PlatformErrorMessage, @PlatformHttpStatus, @AttemptCount, @PublishedAt, @UpdatedAt)
            ON CONFLICT (post_id, platform, kind, step_index) DO UPDATE SET
                status = excluded.status, platform_post_id = excluded.platform_post_id, public_url = excluded.public_url,
                error_code = excluded.error_code, error_message = excluded.error_message,
                platform_error_code = excluded.platform_error_code, platform_error_message = excluded.platform_error_message,
                platform_http_status = excluded.platform_http_status, attempt_count = excluded.attempt_count,
                published_at = excluded.published_at, updated_at = excluded.updated_at;
            """,
            new
            {
                step.PostId,
                Platform = step.Platform.ToWireName(),
                Kind = step.Kind.ToWireName(),
                StepIndex = step.Index,
                Status = step.Status.ToWireName(),
                step.PlatformPostId,
                step.PublicUrl,
                step.ErrorCode,
                step.ErrorMessage,
                step.PlatformErrorCode,
                step.PlatformErrorMessage,
                step.PlatformHttpStatus,
                step.AttemptCount,
                PublishedAt = Time(step.PublishedAt),
                UpdatedAt = Time(step.UpdatedAt),
            }, cancellationToken));

    public Task<int> DeleteUnpublishedAsync(string postId, Platform platform, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM target_steps WHERE post_id = @postId AND platform = @platform AND status IN ('pending', 'failed');",
            new { postId, platform = platform.ToWireName() }, cancellationToken));

    private sealed class StepRow
    {
        public string PostId { get; init; } = "";
        public string Platform { get; init; } = "";
        public string Kind { get; init; } = "";
        public long StepIndex { get; init; }
        public string Status { get; init; } = "";
        public string? PlatformPostId { get; init; }
        public string? PublicUrl { get; init; }
        public string? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public string? PlatformErrorCode { get; init; }
        public string? PlatformErrorMessage { get; init; }
        public long? PlatformHttpStatus { get; init; }
        public long AttemptCount { get; init; }
        public string? PublishedAt { get; init; }
        public string UpdatedAt { get; init; } = "";

        public TargetStep ToDomain() => new()
        {
            PostId = PostId,
            Platform = PlatformNames.Parse(Platform),
            Kind = TargetStepKinds.Parse(Kind),
            Index = (int)StepIndex,
            Status = StatusNames.ParseTargetStatus(Status),
            PlatformPostId = PlatformPostId,
            PublicUrl = PublicUrl,
            ErrorCode = ErrorCode,
            ErrorMessage = ErrorMessage,
            PlatformErrorCode = PlatformErrorCode,
            PlatformErrorMessage = PlatformErrorMessage,
            PlatformHttpStatus = (int?)PlatformHttpStatus,
            AttemptCount = (int)AttemptCount,
            PublishedAt = ParseOptionalTime(PublishedAt),
            UpdatedAt = ParseTime(UpdatedAt),
        };
    }
}
