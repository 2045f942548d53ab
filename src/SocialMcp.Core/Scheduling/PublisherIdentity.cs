using System.Diagnostics;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// This process's name on the leases it holds — of scheduled posts it fires and of posts it is publishing — as
/// <c>{machine}/{pid}/{random}</c>, so another process on the same machine can tell that a lease's owner is gone (crashed,
/// killed) and reconcile its posts at once instead of waiting for the lease to run out.
/// </summary>
public sealed class PublisherIdentity
{
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// True only when <paramref name="owner"/> names a process on this machine that no longer runs. Anything else — another
    /// machine, this process, a name of another shape — is treated as alive: its lease has to run out first.
    /// </summary>
    public static bool IsGone(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid) || pid == Environment.ProcessId)
            return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
