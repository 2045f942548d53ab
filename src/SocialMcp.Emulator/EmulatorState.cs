using System.Collections.Concurrent;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Emulator;

/// <summary>A token the emulator accepts, and whose account it stands for.</summary>
public sealed record EmulatorToken(string Token, Platform Platform, string AccountId, string Username, DateTimeOffset ExpiresAt, IReadOnlySet<string> Scopes);

/// <summary>
/// What the emulated platforms know: issued tokens, and a count of posts each platform made live (the number tests
/// check to prove nothing was posted twice). Each platform module keeps its own objects (containers, uploads) in
/// its own fields.
/// </summary>
public sealed class EmulatorState(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, EmulatorToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Platform, int> _livePosts = new();
    private readonly ConcurrentDictionary<(Platform, string), int> _calls = new();

    private OAuthAuthority? _oauth;

    public TimeProvider Time => time;

    /// <summary>The OAuth authority of every platform: clients, codes, grants, refresh rules and failure switches (docs/emulator.md).</summary>
    public OAuthAuthority OAuth => LazyInitializer.EnsureInitialized(ref _oauth, () => new OAuthAuthority(this));

    /// <summary>Issues a token for an account on a platform (all scopes unless given).</summary>
    /// <param name="expiresAt">An exact expiry instead of <paramref name="lifetime"/> (<see cref="DateTimeOffset.MaxValue"/>: never, as a Page token).</param>
    public EmulatorToken IssueToken(Platform platform, string accountId, string? username = null, TimeSpan? lifetime = null, IEnumerable<string>? scopes = null,
        DateTimeOffset? expiresAt = null)
    {
        var token = new EmulatorToken($"emu-{platform.ToWireName()}-{Guid.NewGuid():N}", platform, accountId, username ?? accountId,
            expiresAt ?? time.GetUtcNow() + (lifetime ?? TimeSpan.FromDays(60)), (scopes ?? ["*"]).ToHashSet());
        _tokens[token.Token] = token;
        return token;
    }

    /// <summary>Prefix of the tokens the in-process sandbox presents: <c>sandbox-{platform}-{account id}</c>.</summary>
    public const string SandboxTokenPrefix = "sandbox-";

    /// <summary>
    /// When set (the server's in-process sandbox), a token <c>sandbox-{platform}-{account id}</c> is accepted on first
    /// sight with every scope, so sandbox accounts need no token set-up. Off for a standalone emulator and in tests.
    /// </summary>
    public bool AcceptSandboxTokens { get; set; }

    /// <summary>Every media file a platform accepted (uploaded or pulled), with its SHA-256 (docs/emulator.md#media).</summary>
    public ConcurrentQueue<ReceivedMedia> ReceivedMedia { get; } = new();

    /// <summary>The live token presented, or null when unknown, for another platform, or expired.</summary>
    public EmulatorToken? Authenticate(Platform platform, string? presented)
    {
        if (presented is null)
            return null;
        if (!_tokens.TryGetValue(presented, out var token))
        {
            var sandboxPrefix = $"{SandboxTokenPrefix}{platform.ToWireName()}-";
            if (!AcceptSandboxTokens || !presented.StartsWith(sandboxPrefix, StringComparison.Ordinal))
                return null;
            var accountId = presented[sandboxPrefix.Length..];
            token = _tokens.GetOrAdd(presented, _ => new EmulatorToken(presented, platform, accountId, $"sandbox-{platform.ToWireName()}",
                DateTimeOffset.MaxValue, new HashSet<string> { "*" }));
        }
        if (token.Platform != platform)
            return null;
        return token.ExpiresAt > time.GetUtcNow() ? token : null;
    }

    public void Revoke(string token) => _tokens.TryRemove(token, out _);

    private readonly ConcurrentDictionary<Platform, ConcurrentQueue<string>> _livePostIds = new();

    /// <summary>Called by a module when a post becomes live (published, or submitted for review), with the id clients see when it has one yet.</summary>
    public void CountLivePost(Platform platform, string? id = null)
    {
        _livePosts.AddOrUpdate(platform, 1, (_, n) => n + 1);
        if (id is not null)
            NameLivePost(platform, id);
    }

    /// <summary>Records the id clients see for a live post that got it later (e.g. after moderation).</summary>
    public void NameLivePost(Platform platform, string id) => _livePostIds.GetOrAdd(platform, _ => new ConcurrentQueue<string>()).Enqueue(id);

    /// <summary>The ids of the platform's live posts, in the order they were named (for tests: "the post the adapter reports is the real one").</summary>
    public IReadOnlyList<string> LivePostIds(Platform platform) => _livePostIds.TryGetValue(platform, out var ids) ? ids.ToList() : [];

    public int LivePosts(Platform platform) => _livePosts.GetValueOrDefault(platform);

    // ---- replies and comments (issue 15) -------------------------------------------------------------------

    private readonly ConcurrentDictionary<(Platform, string), string> _parents = new();
    private readonly ConcurrentDictionary<(Platform, string), ConcurrentQueue<string>> _comments = new();

    /// <summary>Called by a module when a post goes live as a reply (X, Threads): <paramref name="id"/> answers <paramref name="parentId"/>.</summary>
    public void RecordReply(Platform platform, string id, string parentId) => _parents[(platform, id)] = parentId;

    /// <summary>The post a reply answers, or null for a post that answers none.</summary>
    public string? ParentOf(Platform platform, string id) => _parents.GetValueOrDefault((platform, id));

    /// <summary>The reply chain that ends at a post, root first (a thread of five: its five ids in order).</summary>
    public IReadOnlyList<string> ReplyChain(Platform platform, string id)
    {
        var chain = new List<string> { id };
        while (ParentOf(platform, chain[^1]) is { } parent && !chain.Contains(parent))
            chain.Add(parent);
        chain.Reverse();
        return chain;
    }

    private readonly ConcurrentDictionary<(Platform, string), string> _commentTexts = new();

    /// <summary>Called by a module when a comment is created on a post (Facebook, Instagram, LinkedIn, YouTube).</summary>
    public void RecordComment(Platform platform, string parentId, string commentId, string text)
    {
        _commentTexts[(platform, commentId)] = text;
        _comments.GetOrAdd((platform, parentId), _ => new ConcurrentQueue<string>()).Enqueue(commentId);
    }

    /// <summary>The text a comment was created with, or null for an unknown id.</summary>
    public string? CommentText(Platform platform, string commentId) => _commentTexts.GetValueOrDefault((platform, commentId));

    private readonly ConcurrentDictionary<(Platform, string), bool> _deletedComments = new();

    /// <summary>Called by a module when a comment is deleted.</summary>
    public void ForgetComment(Platform platform, string commentId) => _deletedComments[(platform, commentId)] = true;

    /// <summary>The comments on a post that are still there, in order.</summary>
    public IReadOnlyList<string> LiveCommentsOn(Platform platform, string parentId) =>
        CommentsCreatedOn(platform, parentId).Where(id => !_deletedComments.ContainsKey((platform, id))).ToList();

    /// <summary>The ids of every comment ever created on a post, in order (deleted ones too: "nothing was commented twice").</summary>
    public IReadOnlyList<string> CommentsCreatedOn(Platform platform, string parentId) =>
        _comments.TryGetValue((platform, parentId), out var ids) ? ids.ToList() : [];

    // ---- posts removed on the platform's side (issue 16) -------------------------------------------------------

    private readonly ConcurrentDictionary<(Platform, string), string> _takenDown = new();

    /// <summary>
    /// Removes a live post on the platform's side, as its author deleting it in the app or moderation would: reads of it answer
    /// "not found" from then on (modules that read posts back check <see cref="TakenDownReason"/>).
    /// </summary>
    public void TakeDown(Platform platform, string id, string reason = "deleted") => _takenDown[(platform, id)] = reason;

    /// <summary>Why a post was taken down on the platform's side, or null while it is live.</summary>
    public string? TakenDownReason(Platform platform, string id) => _takenDown.GetValueOrDefault((platform, id));

    /// <summary>Counts calls by platform and a name the module chooses (e.g. "media_publish").</summary>
    public void CountCall(Platform platform, string name) => _calls.AddOrUpdate((platform, name), 1, (_, n) => n + 1);

    public int Calls(Platform platform, string name) => _calls.GetValueOrDefault((platform, name));
}
