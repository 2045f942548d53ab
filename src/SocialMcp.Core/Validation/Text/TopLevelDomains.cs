using System.Collections.Frozen;

namespace SocialMcp.Core.Validation.Text;

/// <summary>
/// The top-level domains that make a word a URL on X. twitter-text carries the full IANA list; this carries
/// every two-letter ASCII domain (all country codes, and a few unassigned pairs), punycode domains
/// (<c>xn--…</c>), the original generic domains and the new generic ones in common use. Operators add more
/// with <c>ContentRules:X:ExtraTopLevelDomains</c>. Internationalised TLDs written in their own script (.рф)
/// are not recognised.
/// </summary>
public sealed class TopLevelDomains
{
    private static readonly string[] Generic =
    [
        "com", "net", "org", "edu", "gov", "mil", "int", "arpa", "info", "biz", "name", "pro", "aero", "asia", "cat",
        "coop", "jobs", "mobi", "museum", "post", "tel", "travel", "xxx",
        "academy", "accountant", "accountants", "actor", "ads", "adult", "agency", "airforce", "amazon", "android",
        "app", "apple", "archi", "army", "art", "associates", "attorney", "auction", "audio", "auto", "autos", "baby",
        "band", "bank", "bar", "bargains", "bayern", "beauty", "beer", "berlin", "best", "bet", "bible", "bid",
        "bike", "bing", "bingo", "bio", "black", "blackfriday", "blog", "blue", "boats", "bond", "boo", "book",
        "boston", "boutique", "box", "brussels", "build", "builders", "business", "buzz", "cab", "cafe", "cam",
        "camera", "camp", "capital", "car", "cards", "care", "career", "careers", "cars", "casa", "cash", "casino",
        "catering", "center", "ceo", "cfd", "channel", "charity", "chat", "cheap", "christmas", "church", "city",
        "claims", "cleaning", "click", "clinic", "clothing", "cloud", "club", "coach", "codes", "coffee", "college",
        "community", "company", "computer", "condos", "construction", "consulting", "contact", "contractors",
        "cooking", "cool", "country", "coupons", "courses", "credit", "creditcard", "cricket", "cruises", "cymru",
        "cyou", "dad", "dance", "data", "date", "dating", "day", "deals", "degree", "delivery", "democrat", "dental",
        "dentist", "design", "dev", "diamonds", "diet", "digital", "direct", "directory", "discount", "doctor", "dog",
        "domains", "download", "earth", "eco", "education", "email", "energy", "engineer", "engineering",
        "enterprises", "equipment", "esq", "estate", "eus", "events", "exchange", "expert", "exposed", "express",
        "fail", "faith", "family", "fan", "fans", "farm", "fashion", "film", "finance", "financial", "fish",
        "fitness", "flights", "florist", "flowers", "fly", "foo", "food", "football", "forsale", "foundation", "free",
        "fun", "fund", "furniture", "futbol", "fyi", "gallery", "game", "games", "garden", "gay", "gift", "gifts",
        "gives", "glass", "global", "gmbh", "gold", "golf", "google", "graphics", "gratis", "green", "gripe", "group",
        "guide", "guitars", "guru", "hair", "hamburg", "health", "healthcare", "help", "hiphop", "hockey", "holdings",
        "holiday", "homes", "horse", "hospital", "host", "hosting", "house", "how", "icu", "immo", "inc",
        "industries", "ink", "institute", "insure", "international", "investments", "irish", "jetzt", "jewelry",
        "kim", "kitchen", "land", "lat", "law", "lawyer", "lease", "legal", "lgbt", "life", "lighting", "limited",
        "limo", "link", "live", "llc", "loan", "loans", "lol", "london", "love", "ltd", "luxury", "maison",
        "management", "market", "marketing", "mba", "media", "meet", "meme", "memorial", "men", "menu", "miami",
        "microsoft", "moda", "moe", "mom", "money", "monster", "mortgage", "motorcycles", "movie", "music", "navy",
        "network", "new", "news", "nexus", "ngo", "ninja", "nyc", "observer", "one", "ong", "onl", "online", "ooo",
        "organic", "page", "paris", "partners", "parts", "party", "pet", "phd", "photo", "photography", "photos",
        "pics", "pictures", "pink", "pizza", "place", "plumbing", "plus", "poker", "porn", "press", "productions",
        "prof", "promo", "properties", "property", "protection", "pub", "quebec", "quest", "racing", "radio",
        "realestate", "realty", "recipes", "red", "rehab", "reise", "reisen", "rent", "rentals", "repair", "report",
        "republican", "rest", "restaurant", "review", "reviews", "rich", "rip", "rocks", "rodeo", "run", "sale",
        "salon", "sarl", "school", "schule", "science", "scot", "search", "security", "select", "services", "sex",
        "sexy", "shoes", "shop", "shopping", "show", "singles", "site", "ski", "skin", "soccer", "social", "software",
        "solar", "solutions", "space", "sport", "spot", "store", "stream", "studio", "study", "style", "sucks",
        "supplies", "supply", "support", "surf", "surgery", "swiss", "sydney", "systems", "talk", "tattoo", "tax",
        "taxi", "team", "tech", "technology", "tennis", "theater", "theatre", "tickets", "tienda", "tips", "tires",
        "today", "tokyo", "tools", "top", "tours", "town", "toys", "trade", "trading", "training", "tube",
        "university", "uno", "vacations", "vegas", "ventures", "vet", "viajes", "video", "villas", "vin", "vip",
        "vision", "vodka", "vote", "voting", "voyage", "wales", "wang", "watch", "webcam", "website", "wedding",
        "wien", "wiki", "win", "wine", "work", "works", "world", "wtf", "xyz", "yoga", "you", "zone",
    ];

    private static readonly FrozenSet<string> GenericSet = FrozenSet.ToFrozenSet(Generic, StringComparer.OrdinalIgnoreCase);

    /// <summary>Country-code domains that form a URL without a scheme even with nothing after them (t.co, foo.tv).</summary>
    private static readonly FrozenSet<string> SpecialShort = FrozenSet.ToFrozenSet(["co", "tv"], StringComparer.OrdinalIgnoreCase);

    private readonly FrozenSet<string> _extra;

    public TopLevelDomains(IEnumerable<string>? extra = null) =>
        _extra = FrozenSet.ToFrozenSet(extra ?? [], StringComparer.OrdinalIgnoreCase);

    public static TopLevelDomains Default { get; } = new();

    public bool Contains(ReadOnlySpan<char> label) =>
        IsCountryCode(label) || IsPunycode(label) || GenericSet.GetAlternateLookup<ReadOnlySpan<char>>().Contains(label) ||
        (_extra.Count > 0 && _extra.GetAlternateLookup<ReadOnlySpan<char>>().Contains(label));

    public static bool IsCountryCode(ReadOnlySpan<char> label) => label.Length == 2 && char.IsAsciiLetter(label[0]) && char.IsAsciiLetter(label[1]);

    public static bool IsSpecialShort(ReadOnlySpan<char> label) => SpecialShort.GetAlternateLookup<ReadOnlySpan<char>>().Contains(label);

    private static bool IsPunycode(ReadOnlySpan<char> label)
    {
        if (label.Length < 5 || !label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (var c in label[4..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return false;
        }
        return true;
    }
}
