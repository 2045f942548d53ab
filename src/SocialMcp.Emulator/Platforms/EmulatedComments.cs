using System.Globalization;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>One comment on a post, as an emulated platform keeps it.</summary>
public sealed record EmulatedComment(string Id, string ParentId, string AuthorId, string AuthorName, string Text, DateTimeOffset CreatedAt, long Sequence);

/// <summary>
/// The comments of one platform module (issue 15, docs/platforms.md#replies-and-comments): created on a post, listed oldest
/// first, deleted by id. Each creation is also recorded in <see cref="EmulatorState.RecordComment"/>, so a test can prove a
/// comment was not made twice. Thread-safe; each emulator instance keeps its own.
/// </summary>
/// <param name="idOf">Makes a comment's id from its parent's and a fresh number (Facebook's <c>{post}_{comment}</c>); the number by default.</param>
public sealed class EmulatedComments(Platform platform, EmulatorState state, long firstId, Func<string, string, string>? idOf = null)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EmulatedComment> _comments = new(StringComparer.Ordinal);
    private long _nextId = firstId;

    public EmulatedComment Add(string parentId, string authorId, string authorName, string text)
    {
        lock (_gate)
        {
            var number = (++_nextId).ToString(CultureInfo.InvariantCulture);
            var comment = new EmulatedComment(idOf is null ? number : idOf(parentId, number), parentId, authorId, authorName, text,
                state.Time.GetUtcNow(), _nextId);
            _comments[comment.Id] = comment;
            state.CountCall(platform, "comments.create");
            state.RecordComment(platform, parentId, comment.Id, text);
            return comment;
        }
    }

    public EmulatedComment? Find(string id)
    {
        lock (_gate)
            return _comments.GetValueOrDefault(id);
    }

    /// <summary>The live comments on a post, oldest first.</summary>
    public IReadOnlyList<EmulatedComment> On(string parentId)
    {
        lock (_gate)
            return _comments.Values.Where(c => c.ParentId == parentId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Sequence).ToList();
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            state.ForgetComment(platform, id);
            return _comments.Remove(id);
        }
    }

    /// <summary>Removes every comment of a post that was deleted (a platform drops them with it).</summary>
    public void RemoveAllOn(string parentId)
    {
        lock (_gate)
        {
            foreach (var id in _comments.Values.Where(c => c.ParentId == parentId).Select(c => c.Id).ToList())
                Remove(id);
        }
    }
}
