using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Sandbox;

/// <summary>
/// Ids and URLs of sandbox posts. An id is <c>sbx-{UUIDv7, 32 hex}</c>, followed by <c>-{emulator id}</c> when the
/// in-process emulator published it: the UUID makes it unique across processes and restarts (the emulator's own ids
/// restart with it), the emulator id lets a withdraw in the same process reach the emulated post. The URL is
/// <c>sandbox://{platform}/{id}</c>, so no sandbox result can be mistaken for (or opened as) a real site's post.
/// </summary>
public static class SandboxPostIds
{
    public const string UrlScheme = "sandbox";
    private const string Prefix = "sbx-";
    private const int UniquePartLength = 32;

    public static string New(DateTimeOffset now) => Prefix + Guid.CreateVersion7(now).ToString("N");

    public static string Wrap(string emulatorId, DateTimeOffset now) => $"{New(now)}-{emulatorId}";

    public static string UrlOf(Platform platform, string sandboxId) =>
        $"{UrlScheme}://{platform.ToWireName()}/{Uri.EscapeDataString(sandboxId)}";

    /// <summary>The emulator's id inside a wrapped sandbox id; any other id (one stored before ids were wrapped) as it is.</summary>
    public static string EmulatorIdOf(string sandboxId)
    {
        var separator = Prefix.Length + UniquePartLength;
        return sandboxId.StartsWith(Prefix, StringComparison.Ordinal) && sandboxId.Length > separator + 1 && sandboxId[separator] == '-'
            ? sandboxId[(separator + 1)..]
            : sandboxId;
    }

    public static bool IsSandboxUrl(string? url) =>
        url is not null && url.StartsWith(UrlScheme + "://", StringComparison.Ordinal);
}
