namespace SocialMcp.Core.Publishing;

/// <summary>
/// The outcome hand-off of one publish (issue 18): the target that settles its outcome last does not write it in a
/// transaction of its own but hands it to the finish transaction, which writes it before summing the post's status — one
/// write unit fewer per publish. Only the last one: the finish runs once every target's run has returned, so the other
/// outcomes are stored by then, and an outcome waits in memory only for the moment between its platform's answer and that
/// finish, never for a slower target. A target hands off only an outcome after which it makes no platform call (a first
/// comment still owed is sent after its target is stored as published, so that target records its own). A crash in that
/// moment loses nothing durable: the adapter stored its handles before answering, so the target stays <c>publishing</c> and
/// its recovery learns from those handles what the platform did, as for a crash a moment before the answer.
/// </summary>
public sealed class OutcomeHandOff(int targets)
{
    private int _undecided = targets;
    private SettledOutcome? _pending;

    /// <summary>The outcome handed off, for the finish transaction to write; null when every target wrote its own.</summary>
    public SettledOutcome? Pending => Volatile.Read(ref _pending);

    /// <summary>One target's part in the hand-off; <see cref="Ticket.Dispose"/> when its run has returned.</summary>
    public Ticket TicketForTarget() => new(this);

    private bool Decide(SettledOutcome? settled)
    {
        if (Interlocked.Decrement(ref _undecided) != 0 || settled is null)
            return false;
        Volatile.Write(ref _pending, settled);
        return true;
    }

    /// <summary>
    /// A target's one decision: the last target to decide takes the hand-off. A run that ends without a final outcome (only a
    /// first comment to send, or an exception) decides "not mine" when its ticket is disposed, so it never blocks the others.
    /// </summary>
    public sealed class Ticket(OutcomeHandOff handOff) : IDisposable
    {
        private int _decided;

        /// <summary>True when <paramref name="settled"/> is now the finish transaction's to write; false: write it yourself.</summary>
        public bool TryTake(SettledOutcome settled) =>
            Interlocked.Exchange(ref _decided, 1) == 0 && handOff.Decide(settled);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _decided, 1) == 0)
                handOff.Decide(null);
        }
    }
}
