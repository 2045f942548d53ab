namespace SocialMcp.Platforms.Http;

/// <summary>Per-request flags the resilience pipeline reads (<see cref="PlatformResiliencePipeline"/>).</summary>
public static class PlatformRequests
{
    /// <summary>
    /// Marks a POST that cannot create anything twice (a status query, a publish that the platform de-duplicates by
    /// handle), so the handler may retry it. Other POSTs are never retried blindly: the adapter reconciles instead.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> RetrySafe = new("SocialMcp.RetrySafe");

    public static HttpRequestMessage MarkRetrySafe(this HttpRequestMessage request)
    {
        request.Options.Set(RetrySafe, true);
        return request;
    }

    public static bool IsRetrySafe(this HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
        || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options
        || (request.Options.TryGetValue(RetrySafe, out var safe) && safe);
}
