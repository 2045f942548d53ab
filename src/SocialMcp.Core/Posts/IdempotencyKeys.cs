using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// Idempotency keys of create_post and publish_post, scoped per workspace and per tool. A key remembers the hash of
/// the arguments it came with and the post it produced; the same key with the same arguments replays that post.
/// </summary>
public static class IdempotencyKeys
{
    public const string CreatePost = "create_post";
    public const string PublishPost = "publish_post";

    /// <summary>SHA-256 of the canonical JSON of the arguments, without the key itself.</summary>
    public static string RequestHash<T>(T arguments) => CanonicalJson.Sha256Hex(arguments);

    /// <summary>Throws IDEMPOTENCY_KEY_REUSED when a stored key came with other arguments.</summary>
    public static void EnsureSameRequest(IdempotencyRecord stored, string requestHash)
    {
        if (stored.RequestHash == requestHash)
            return;
        throw new ConflictException(new Problem(ErrorCodes.IdempotencyKeyReused,
            $"This idempotencyKey was already used with different {stored.Tool} arguments; nothing was changed.",
            "$.idempotencyKey",
            Hint: "Use a new idempotencyKey for a different request, or resend exactly the first arguments to get its result."));
    }
}
