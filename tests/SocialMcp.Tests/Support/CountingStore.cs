using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Storage;

namespace SocialMcp.Tests.Support;

/// <summary>
/// The real store with every write unit counted and named by the repository calls it made ("Posts.ClaimDue",
/// "Targets.Update > Posts.BumpVersion > Events.Append"), so a test can say how many units a path takes and which.
/// Retries inside the store (PostgreSQL's serialization retries) are below it: one unit is one <see cref="IStore.WriteAsync{T}"/>.
/// </summary>
public sealed class CountingStore(IStore inner) : IStore
{
    private readonly ConcurrentQueue<string> _writes = new();

    /// <summary>Every write unit since the last <see cref="Reset"/>, by the calls it made.</summary>
    public IReadOnlyList<string> Writes => _writes.ToList();

    public void Reset() => _writes.Clear();

    /// <summary>Replaces the registered <see cref="IStore"/> with one counted by a <see cref="CountingStore"/>.</summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IStore));
        services.Replace(ServiceDescriptor.Singleton<IStore>(provider => new CountingStore(registered.ImplementationFactory is { } factory
            ? (IStore)factory(provider)
            : (IStore)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!))));
    }

    public Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) => inner.ReadAsync(work, cancellationToken);

    /// <summary>Counted, and run, as a write unit like any other.</summary>
    public Task<T> WriteRecordAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(work, cancellationToken);

    public async Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var calls = new List<string>();
        try
        {
            return await inner.WriteAsync(session =>
            {
                // A retried unit (PostgreSQL) starts its list again: the unit is named by the attempt that committed.
                lock (calls)
                    calls.Clear();
                return work(SessionProxy.Wrap(session, calls));
            }, cancellationToken);
        }
        finally
        {
            lock (calls)
                _writes.Enqueue(string.Join(" > ", calls));
        }
    }

    /// <summary>A session whose repositories note each call's name.</summary>
    public class SessionProxy : DispatchProxy
    {
        private IStoreSession _inner = null!;
        private List<string> _calls = null!;

        public static IStoreSession Wrap(IStoreSession inner, List<string> calls)
        {
            var proxy = Create<IStoreSession, SessionProxy>();
            var self = (SessionProxy)(object)proxy;
            self._inner = inner;
            self._calls = calls;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var value = Call(targetMethod!, _inner, args);
            return targetMethod!.Name.StartsWith("get_", StringComparison.Ordinal) && value is not null
                ? RepositoryProxy.Wrap(targetMethod.ReturnType, value, targetMethod.Name[4..], _calls)
                : value;
        }

        internal static object? Call(MethodInfo method, object target, object?[]? args)
        {
            try
            {
                return method.Invoke(target, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }

    public class RepositoryProxy : DispatchProxy
    {
        private object _inner = null!;
        private string _name = null!;
        private List<string> _calls = null!;

        public static object Wrap(Type repositoryType, object inner, string name, List<string> calls)
        {
            var proxy = Create(repositoryType, typeof(RepositoryProxy));
            var self = (RepositoryProxy)proxy;
            self._inner = inner;
            self._name = name;
            self._calls = calls;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var call = $"{_name}.{targetMethod!.Name.Replace("Async", "", StringComparison.Ordinal)}";
            lock (_calls)
            {
                if (_calls.Count == 0 || _calls[^1] != call)
                    _calls.Add(call);
            }
            return SessionProxy.Call(targetMethod, _inner, args);
        }
    }
}
