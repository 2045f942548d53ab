using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Sandbox;

/// <summary>
/// Where sandbox accounts' platform APIs live: the server hosts a local emulator of the eight APIs and points sandbox
/// accounts at it, so the sandbox runs the same adapter code as production. Optional: without it (unit tests of the
/// domain) the sandbox publisher answers on its own.
/// </summary>
public interface ISandboxApi
{
    /// <summary>The API root of a platform's emulator, e.g. http://127.0.0.1:41234/x/.</summary>
    ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken);
}
