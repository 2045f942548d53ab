using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator;

/// <summary>
/// One emulated platform API. Its routes are mapped under <c>/{platform}/</c>, so the adapter's base URL is
/// <c>http://127.0.0.1:{port}/{platform}/</c> and its paths are the real API's paths.
/// </summary>
public interface IEmulatorModule
{
    Platform Platform { get; }

    void Map(RouteGroupBuilder routes, EmulatorState state);
}
