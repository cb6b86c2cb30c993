// Each case edits one spot of kGoodConfig and states the one message the
// loader must give: file, line, key path, value and reason, exactly.
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/good_config.h"

namespace flexmail {
namespace {

struct BadCase {
  const char* name;
  const char* from;  // a text that occurs once in kGoodConfig
  const char* to;    // what replaces it; keep the line count unless the message says otherwise
  std::string message;
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.name; }

const std::string kSections =
    "expected one of: database, rules, meshes, sites, contracts, shippers, "
    "mail, limits, inbox, outbox, smtp, oauth2, authentication, canary, metrics, http";
const std::string kSenderReason =
    "expected an address local@domain.example or a domain @domain.example";
const std::string kPasswordReason =
    "passwords go in the file named by password_file, never in the configuration";
const std::string kUrlPasswordReason = "the URL holds a password; " + kPasswordReason;
const std::string kBothInboxes = ": an inbox is a Maildir or an IMAP mailbox, not both";
const std::string kFolderReason = "expected a folder name without / or control characters";

const BadCase kCases[] = {
    // Types.
    {"StringExpected", R"(path = "data/flexmail.db")", "path = 42",
     "flexmail.toml:2: database.path = 42: expected a string"},
    {"IntegerExpected", "tranches = 2", "tranches = 1.5",
     "flexmail.toml:29: sites[1].tranches = 1.5: expected an integer"},
    {"NumberExpected", "qmax = 1000000", R"(qmax = "1000000")",
     R"(flexmail.toml:36: contracts[0].sites[0].qmax = "1000000": expected a number)"},
    {"NotANumber", "qmin = 0", "qmin = nan",
     "flexmail.toml:35: contracts[0].sites[0].qmin = nan: expected a finite number"},
    {"ListExpected", R"(sites = ["LI0002"])", R"(sites = "LI0002")",
     R"(flexmail.toml:56: shippers[1].sites = "LI0002": expected an array of strings)"},
    {"TableExpected", "[database]", "[[database]]", "flexmail.toml:1: database: expected a table"},
    // Syntax of codes and ids.
    {"BadSiteId", R"(id = "LI0002")", R"(id = "LI02")",
     R"(flexmail.toml:25: sites[1].id = "LI02": expected LI and 4 digits)"},
    {"BadMeshCode", R"(code = "ME0008")", R"(code = "M8")",
     R"(flexmail.toml:14: meshes[1].code = "M8": expected ME and 4 digits)"},
    {"SiteMeshIsACode", R"(mesh = "ME0008")", R"(mesh = "Provence")",
     R"(flexmail.toml:27: sites[1].mesh = "Provence": expected ME and 4 digits)"},
    {"BadContractCode", R"(code = "GFMART01")", R"(code = "GF MART")",
     R"(flexmail.toml:40: contracts[1].code = "GF MART": expected 1 to 40 characters among A-Z a-z 0-9 . _)"},
    {"ShipperSiteIsAnId", R"(sites = ["LI0002"])", R"(sites = ["Martigues"])",
     R"(flexmail.toml:56: shippers[1].sites[0] = "Martigues": expected LI and 4 digits)"},
    {"EmptyLabel", R"(label = "Martigues")", R"(label = "")",
     R"(flexmail.toml:26: sites[1].label = "": must not be empty)"},
    {"EmptyDatabasePath", R"(path = "data/flexmail.db")", R"(path = "")",
     R"(flexmail.toml:2: database.path = "": must not be empty)"},
    {"LongValueIsCut", R"(id = "LI0002")",
     R"(id = "LI0002222222222222222222222222222222222222222222222222222222222222222222222222222222222222")",
     R"(flexmail.toml:25: sites[1].id = "LI00022222222222222222222222222222222222222222222222222222222222222222222222222...: expected LI and 4 digits)"},
    // Duplicates.
    {"DuplicateMesh", R"(code = "ME0008")", R"(code = "ME0005")",
     R"(flexmail.toml:14: meshes[1].code = "ME0005": already used by meshes[0] (line 10))"},
    {"DuplicateSite", R"(id = "LI0002")", R"(id = "LI0001")",
     R"(flexmail.toml:25: sites[1].id = "LI0001": already used by sites[0] (line 18))"},
    {"DuplicateContract", R"(code = "GFMART01")", R"(code = "GFQUIMP01")",
     R"(flexmail.toml:40: contracts[1].code = "GFQUIMP01": already used by contracts[0] (line 32))"},
    {"DuplicateShipper", R"(name = "EDF")", R"(name = "ENGIE")",
     R"(flexmail.toml:54: shippers[1].name = "ENGIE": already used by shippers[0] (line 48))"},
    {"SiteTwiceInAContract", "tolerance_pct = 5",
     "tolerance_pct = 5\n[[contracts.sites]]\nsite = \"LI0002\"\nqmax = 1",
     R"(flexmail.toml:47: contracts[1].sites[1].site = "LI0002": already used by contracts[1].sites[0] (line 42))"},
    // References.
    {"UnknownMesh", R"(mesh = "ME0008")", R"(mesh = "ME0099")",
     R"(flexmail.toml:27: sites[1].mesh = "ME0099": no [[meshes]] has this code)"},
    {"UnknownContractSite", R"(site = "LI0002")", R"(site = "LI0099")",
     R"(flexmail.toml:42: contracts[1].sites[0].site = "LI0099": no [[sites]] has this id)"},
    {"UnknownShipperSite", R"(sites = ["LI0002"])", R"(sites = ["LI0002", "LI0003"])",
     R"(flexmail.toml:56: shippers[1].sites[1] = "LI0003": no [[sites]] has this id)"},
    // Ranges.
    {"NoTranche", "tranches = 2", "tranches = 0",
     "flexmail.toml:29: sites[1].tranches = 0: must be at least 1"},
    {"NegativeQmin", "qmin = 0", "qmin = -1",
     "flexmail.toml:35: contracts[0].sites[0].qmin = -1: must be at least 0"},
    {"QmaxBelowQmin", "qmax = 2000000", "qmax = 1000",
     "flexmail.toml:44: contracts[1].sites[0].qmax = 1000: less than qmin (100000.5)"},
    {"ToleranceAbove100", "tolerance_pct = 5", "tolerance_pct = 100.5",
     "flexmail.toml:45: contracts[1].sites[0].tolerance_pct = 100.5: must be between 0 and 100"},
    {"NegativeTolerance", "tolerance_pct = 0", "tolerance_pct = -5",
     "flexmail.toml:37: contracts[0].sites[0].tolerance_pct = -5: must be between 0 and 100"},
    {"DelayAboveADay", "indicator_delay_minutes = 23", "indicator_delay_minutes = 1441",
     "flexmail.toml:6: rules.indicator_delay_minutes = 1441: must be between 0 and 1440"},
    {"NegativeDelay", "indicator_delay_minutes = 23", "indicator_delay_minutes = -1",
     "flexmail.toml:6: rules.indicator_delay_minutes = -1: must be between 0 and 1440"},
    {"NoPartialBudget", "= 800000", "= 0",
     "flexmail.toml:5: rules.partial_flexibility_kwh_per_tranche = 0: must be greater than 0"},
    {"NoDayAhead", "indicator_delay_minutes = 23",
     "indicator_delay_minutes = 23\nmax_days_ahead = 0",
     "flexmail.toml:7: rules.max_days_ahead = 0: must be between 1 and 366"},
    {"HorizonAboveAYear", "indicator_delay_minutes = 23",
     "indicator_delay_minutes = 23\nmax_days_ahead = 367",
     "flexmail.toml:7: rules.max_days_ahead = 367: must be between 1 and 366"},
    {"FractionalHorizon", "indicator_delay_minutes = 23",
     "indicator_delay_minutes = 23\nmax_days_ahead = 2.5",
     "flexmail.toml:7: rules.max_days_ahead = 2.5: expected an integer"},
    {"UnknownLight", R"("RED")", R"("AMBER")",
     R"(flexmail.toml:7: rules.unknown_indicator = "AMBER": expected GREEN, RED or GREY)"},
    {"LightIsUpperCase", R"("RED")", R"("red")",
     R"(flexmail.toml:7: rules.unknown_indicator = "red": expected GREEN, RED or GREY)"},
    // Senders and copies.
    {"SenderWithSpace", R"(["@edf.example"])", R"(["ops @edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "ops @edf.example": )" + kSenderReason},
    {"SenderWithTwoAts", R"(["@edf.example"])", R"(["a@b@edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "a@b@edf.example": )" + kSenderReason},
    {"SenderWithoutAt", R"(["@edf.example"])", R"(["edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "edf.example": )" + kSenderReason},
    {"SenderDomainWithoutDot", R"(["@edf.example"])", R"(["@localhost"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "@localhost": )" + kSenderReason},
    {"SenderWithoutDomain", R"(["@edf.example"])", R"(["ops@"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "ops@": )" + kSenderReason},
    {"SenderInBrackets", R"(["@edf.example"])", R"(["Ops <ops@edf.example>"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "Ops <ops@edf.example>": )" + kSenderReason},
    {"SenderQuoteIsEscaped", R"(["@edf.example"])", R"(["o\"ps@edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "o\"ps@edf.example": )" + kSenderReason},
    {"EmptySender", R"(["@edf.example"])", R"([""])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "": must not be empty)"},
    {"NoSenders", R"(["@edf.example"])", "[]",
     "flexmail.toml:55: shippers[1].senders = []: must not be empty"},
    {"CcIsNotADomain", R"(["desk@engie.example"])", R"(["@engie.example"])",
     R"(flexmail.toml:51: shippers[0].cc[0] = "@engie.example": expected an address local@domain.example)"},
    // Unknown and missing keys.
    {"MisspelledKey", "qmax = 2000000", "qmx = 2000000",
     "flexmail.toml:44: contracts[1].sites[0].qmx = 2000000: unknown key; expected one of: "
     "site, qmin, qmax, tolerance_pct"},
    {"UnknownSection", R"(sites = ["LI0002"])",
     "sites = [\"LI0002\"]\n\n[mailer]\nfrom = \"a@b.example\"",
     "flexmail.toml:58: mailer: unknown section; " + kSections},
    {"UnknownTopLevelKey", "[database]", "verbose = true\n[database]",
     "flexmail.toml:1: verbose = true: unknown key; " + kSections},
    {"UnknownSubTable", "[rules]", "[rules.extra]",
     "flexmail.toml:4: rules.extra: unknown section; expected one of: "
     "partial_flexibility_kwh_per_tranche, indicator_delay_minutes, unknown_indicator, "
     "max_days_ahead"},
    {"MissingQmax", "qmax = 1000000", "",
     "flexmail.toml:33: contracts[0].sites[0].qmax: required key is missing"},
    {"MissingSiteLabel", R"(label = "Quimper")", "",
     "flexmail.toml:17: sites[0].label: required key is missing"},
    {"ContractWithoutSites",
     "[[contracts.sites]]\nsite = \"LI0001\"\nqmin = 0\nqmax = 1000000\ntolerance_pct = 0",
     "\n\n\n\n", "flexmail.toml:31: contracts[0].sites: required key is missing"},
    {"NoMeshes",
     "[[meshes]]\ncode = \"ME0005\"\nlabel = \"Bretagne\"\n\n[[meshes]]\ncode = \"ME0008\"\nlabel = \"Provence\"",
     "\n\n\n\n\n\n", "flexmail.toml: meshes: required key is missing"},
    // [mail].
    {"MailAddressIsAnAddress", R"(address = "declarations@flexmail.example")",
     R"(address = "declarations")",
     R"(flexmail.toml:59: mail.address = "declarations": expected an address local@domain.example)"},
    {"MailAddressWithName", R"(address = "declarations@flexmail.example")",
     R"(address = "Flexmail <declarations@flexmail.example>")",
     R"(flexmail.toml:59: mail.address = "Flexmail <declarations@flexmail.example>": expected an address local@domain.example)"},
    {"MailDomainIsNotAPattern", R"(domain = "mail.flexmail.example")",
     R"(domain = "@flexmail.example")",
     R"(flexmail.toml:60: mail.domain = "@flexmail.example": expected a domain domain.example)"},
    {"MailDomainHasADot", R"(domain = "mail.flexmail.example")", R"(domain = "localhost")",
     R"(flexmail.toml:60: mail.domain = "localhost": expected a domain domain.example)"},
    {"MailWithoutAddress", R"(address = "declarations@flexmail.example")", "",
     "flexmail.toml:58: mail.address: required key is missing"},
    {"InboxNeedsMailAddress",
     "[mail]\naddress = \"declarations@flexmail.example\"\ndomain = \"mail.flexmail.example\"",
     "\n\n",
     "flexmail.toml: mail.address: required key is missing (needed with [inbox]: replies are "
     "sent from it)"},
    // [limits].
    {"LimitsIsATable", "[limits]", "[[limits]]", "flexmail.toml:62: limits: expected a table"},
    {"MessageLimitAbove100MiB", "max_message_bytes = 20971520", "max_message_bytes = 104857601",
     "flexmail.toml:63: limits.max_message_bytes = 104857601: must be between 1 and 104857600"},
    {"NoMessageLimit", "max_message_bytes = 20971520", "max_message_bytes = 0",
     "flexmail.toml:63: limits.max_message_bytes = 0: must be between 1 and 104857600"},
    {"AttachmentsAbove1000", "max_attachments = 30", "max_attachments = 1001",
     "flexmail.toml:64: limits.max_attachments = 1001: must be between 1 and 1000"},
    {"NoAttachments", "max_attachments = 30", "max_attachments = 0",
     "flexmail.toml:64: limits.max_attachments = 0: must be between 1 and 1000"},
    {"CsvLimitAbove50MiB", "max_csv_bytes = 2097152", "max_csv_bytes = 52428801",
     "flexmail.toml:65: limits.max_csv_bytes = 52428801: must be between 1 and 52428800"},
    {"NoCsvLimit", "max_csv_bytes = 2097152", "max_csv_bytes = -1",
     "flexmail.toml:65: limits.max_csv_bytes = -1: must be between 1 and 52428800"},
    {"CsvLimitAboveMessageLimit", "max_csv_bytes = 2097152", "max_csv_bytes = 31457280",
     "flexmail.toml:65: limits.max_csv_bytes = 31457280: more than max_message_bytes (20971520)"},
    {"MessageLimitBelowDefaultCsvLimit",
     "max_message_bytes = 20971520\nmax_attachments = 30\nmax_csv_bytes = 2097152",
     "max_message_bytes = 524288\nmax_attachments = 30\n",
     "flexmail.toml:63: limits.max_message_bytes = 524288: less than max_csv_bytes (1048576, "
     "its default)"},
    {"NoDepth", "max_depth = 12", "max_depth = 0",
     "flexmail.toml:66: limits.max_depth = 0: must be between 1 and 100"},
    {"DepthAbove100", "max_depth = 12", "max_depth = 101",
     "flexmail.toml:66: limits.max_depth = 101: must be between 1 and 100"},
    {"DepthIsAnInteger", "max_depth = 12", "max_depth = 12.5",
     "flexmail.toml:66: limits.max_depth = 12.5: expected an integer"},
    {"HeaderLinesBelow10", "max_header_lines = 2000", "max_header_lines = 9",
     "flexmail.toml:67: limits.max_header_lines = 9: must be between 10 and 100000"},
    {"HeaderLinesAbove100000", "max_header_lines = 2000", "max_header_lines = 100001",
     "flexmail.toml:67: limits.max_header_lines = 100001: must be between 10 and 100000"},
    {"NegativeIgnoredCap", "max_header_lines = 2000",
     "max_header_lines = 2000\nmax_ignored_bytes_per_day = -1",
     "flexmail.toml:68: limits.max_ignored_bytes_per_day = -1: must be between 0 and "
     "10737418240"},
    {"UnknownLimit", "max_depth = 12", "max_parts = 12",
     "flexmail.toml:66: limits.max_parts = 12: unknown key; expected one of: max_message_bytes, "
     "max_attachments, max_csv_bytes, max_depth, max_header_lines, "
     "max_ignored_bytes_per_day"},
    // [inbox].
    {"ImapUrlScheme", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "https://imap.flexmail.example/INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "https://imap.flexmail.example/INBOX": must start with imaps:// or imap://)"},
    {"ImapUrlSchemeIsLowerCase", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "IMAPS://imap.flexmail.example/INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "IMAPS://imap.flexmail.example/INBOX": must start with imaps:// or imap://)"},
    {"ImapUrlWithoutHost", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps:///INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps:///INBOX": the URL has no host)"},
    {"ImapUrlWithoutMailbox", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imap://imap.flexmail.example:143")",
     R"(flexmail.toml:70: inbox.imap_url = "imap://imap.flexmail.example:143": the URL has no mailbox, as in imaps://host/INBOX)"},
    {"ImapUrlWithEmptyMailbox", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://imap.flexmail.example/")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps://imap.flexmail.example/": the URL has no mailbox, as in imaps://host/INBOX)"},
    {"ImapUrlPortOutOfRange", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://imap.flexmail.example:99999/INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps://imap.flexmail.example:99999/INBOX": the URL's port must be a number from 1 to 65535)"},
    {"ImapUrlPortIsANumber", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://imap.flexmail.example:imaps/INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps://imap.flexmail.example:imaps/INBOX": the URL's port must be a number from 1 to 65535)"},
    {"ImapUrlWithUser", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://declarations@imap.flexmail.example/INBOX")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps://declarations@imap.flexmail.example/INBOX": the user name goes in username, not in the URL)"},
    {"ImapUrlWithSpace", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://imap.flexmail.example/My Box")",
     R"(flexmail.toml:70: inbox.imap_url = "imaps://imap.flexmail.example/My Box": the URL must not contain spaces or control characters)"},
    {"ImapUrlWithPasswordIsNotQuoted", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(imap_url = "imaps://declarations:s3cret@imap.flexmail.example/INBOX")",
     "flexmail.toml:70: inbox.imap_url: " + kUrlPasswordReason},
    {"MaildirAfterImapUrl", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     "imap_url = \"imaps://imap.flexmail.example:993/INBOX\"\nmaildir = \"Maildir\"",
     R"(flexmail.toml:71: inbox.maildir = "Maildir": cannot be set with imap_url (line 70))" +
         kBothInboxes},
    {"ImapUrlAfterMaildir", "[inbox]", "[inbox]\nmaildir = \"Maildir\"",
     R"(flexmail.toml:71: inbox.imap_url = "imaps://imap.flexmail.example:993/INBOX": cannot be set with maildir (line 70))" +
         kBothInboxes},
    {"InboxWithNeither", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")", "",
     "flexmail.toml:69: inbox: expected maildir or imap_url"},
    {"EmptyMaildir", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")", R"(maildir = "")",
     R"(flexmail.toml:70: inbox.maildir = "": must not be empty)"},
    {"ImapWithoutUsername", R"(username = "declarations")", "",
     "flexmail.toml:69: inbox.username: required key is missing (needed with imap_url)"},
    {"ImapWithoutPasswordFile", R"(password_file = "secrets/imap.pass")", "",
     "flexmail.toml:69: inbox.password_file: required key is missing (needed with imap_url and auth = \"password\")"},
    {"MaildirWithUsername", R"(imap_url = "imaps://imap.flexmail.example:993/INBOX")",
     R"(maildir = "Maildir")",
     R"(flexmail.toml:71: inbox.username = "declarations": only used with imap_url)"},
    {"MaildirWithRequireTls",
     "imap_url = \"imaps://imap.flexmail.example:993/INBOX\"\nusername = "
     "\"declarations\"\npassword_file = \"secrets/imap.pass\"\nca_file = "
     "\"certs/imap-ca.pem\"",
     "maildir = \"Maildir\"\n\n\n",
     "flexmail.toml:74: inbox.require_tls = false: only used with imap_url"},
    {"EmptyImapUsername", R"(username = "declarations")", R"(username = "")",
     R"(flexmail.toml:71: inbox.username = "": must not be empty)"},
    {"EmptyCaFile", R"(ca_file = "certs/imap-ca.pem")", R"(ca_file = "")",
     R"(flexmail.toml:73: inbox.ca_file = "": must not be empty)"},
    {"ImapRequireTlsIsABoolean", "require_tls = false", R"(require_tls = "no")",
     R"(flexmail.toml:74: inbox.require_tls = "no": expected true or false)"},
    {"FolderWithSlash", R"(processed_folder = "Done")", R"(processed_folder = "Done/2026")",
     R"(flexmail.toml:75: inbox.processed_folder = "Done/2026": )" + kFolderReason},
    {"FolderWithControlCharacter", R"(rejected_folder = "Refused")",
     R"(rejected_folder = "Re\tfused")",
     R"(flexmail.toml:76: inbox.rejected_folder = "Re\u0009fused": )" + kFolderReason},
    {"EmptyFolder", R"(ignored_folder = "Other")", R"(ignored_folder = "")",
     R"(flexmail.toml:77: inbox.ignored_folder = "": must not be empty)"},
    {"NoPollInterval", "poll_interval = 45", "poll_interval = 0",
     "flexmail.toml:78: inbox.poll_interval = 0: must be between 1 and 3600"},
    {"PollIntervalAboveAnHour", "poll_interval = 45", "poll_interval = 3601",
     "flexmail.toml:78: inbox.poll_interval = 3601: must be between 1 and 3600"},
    {"PollIntervalIsInSeconds", "poll_interval = 45", R"(poll_interval = "45s")",
     R"(flexmail.toml:78: inbox.poll_interval = "45s": expected an integer)"},
    {"ImapConnectTimeoutAbove600", "connect_timeout = 15", "connect_timeout = 601",
     "flexmail.toml:79: inbox.connect_timeout = 601: must be between 1 and 600"},
    {"NoImapLowSpeedTime", "low_speed_time = 90", "low_speed_time = 0",
     "flexmail.toml:80: inbox.low_speed_time = 0: must be between 1 and 600"},
    {"UnknownInboxKey", "poll_interval = 45", "poll_intervall = 45",
     "flexmail.toml:78: inbox.poll_intervall = 45: unknown key; expected one of: maildir, "
     "imap_url, username, auth, sasl_mechanism, password_file, ca_file, require_tls, "
     "processed_folder, "
     "rejected_folder, ignored_folder, poll_interval, connect_timeout, low_speed_time, idle, "
     "idle_refresh"},
    // Passwords, wherever they are written: the value is never quoted.
    {"PasswordInInbox", R"(password_file = "secrets/imap.pass")",
     "password_file = \"secrets/imap.pass\"\npassword = \"s3cret\"",
     "flexmail.toml:73: inbox.password: " + kPasswordReason},
    {"PasswordInSmtp", R"(username = "relay-user")", R"(password = "s3cret")",
     "flexmail.toml:90: smtp.password: " + kPasswordReason},
    {"PasswordAtTheTop", "[database]", "password = \"s3cret\"\n[database]",
     "flexmail.toml:1: password: " + kPasswordReason},
    {"PasswordInAShipper", R"(name = "EDF")", "name = \"EDF\"\nsmtp_password = \"s3cret\"",
     "flexmail.toml:55: shippers[1].smtp_password: " + kPasswordReason},
    {"PasswdInMail", R"(domain = "mail.flexmail.example")", R"(Passwd = "s3cret")",
     "flexmail.toml:60: mail.Passwd: " + kPasswordReason},
    {"PasswordAsATable", "[smtp]", "[smtp.password]\nvalue = \"s3cret\"\n[smtp]",
     "flexmail.toml:88: smtp.password: " + kPasswordReason},
    {"PassInInbox", R"(username = "declarations")",
     "username = \"declarations\"\npass = \"s3cret\"",
     "flexmail.toml:72: inbox.pass: " + kPasswordReason},
    {"FirstPasswordInTheFileIsReported", "[inbox]",
     "[smtp.x]\npassword = \"s3cret\"\n[inbox]\npass = \"s3cret\"",
     "flexmail.toml:70: smtp.x.password: " + kPasswordReason},
    // [outbox].
    {"EmptyOutboxDirectory", R"(directory = "spool/outbox")", R"(directory = "")",
     R"(flexmail.toml:83: outbox.directory = "": must not be empty)"},
    {"NoRetryDelay", "retry_initial = 60", "retry_initial = 0",
     "flexmail.toml:84: outbox.retry_initial = 0: must be between 1 and 3600"},
    {"RetryDelayAboveAnHour", "retry_initial = 60", "retry_initial = 3601",
     "flexmail.toml:84: outbox.retry_initial = 3601: must be between 1 and 3600"},
    {"RetryMaxAboveADay", "retry_max = 600", "retry_max = 86401",
     "flexmail.toml:85: outbox.retry_max = 86401: must be between 1 and 86400"},
    {"RetryMaxBelowRetryInitial", "retry_max = 600", "retry_max = 59",
     "flexmail.toml:85: outbox.retry_max = 59: less than retry_initial (60)"},
    {"RetryInitialAboveDefaultRetryMax", "retry_initial = 60\nretry_max = 600",
     "retry_initial = 600\n",
     "flexmail.toml:84: outbox.retry_initial = 600: more than retry_max (300, its default)"},
    {"GiveUpBeforeAMinute", "give_up_after = 7200", "give_up_after = 59",
     "flexmail.toml:86: outbox.give_up_after = 59: must be between 60 and 2592000"},
    {"GiveUpAfterAMonth", "give_up_after = 7200", "give_up_after = 2592001",
     "flexmail.toml:86: outbox.give_up_after = 2592001: must be between 60 and 2592000"},
    // [smtp].
    {"SmtpUrlWithoutScheme", R"(url = "smtps://smtp.flexmail.example:465")",
     R"(url = "smtp.flexmail.example:465")",
     R"(flexmail.toml:89: smtp.url = "smtp.flexmail.example:465": must start with smtps:// or smtp://)"},
    {"SmtpUrlIsNotImap", R"(url = "smtps://smtp.flexmail.example:465")",
     R"(url = "imaps://smtp.flexmail.example")",
     R"(flexmail.toml:89: smtp.url = "imaps://smtp.flexmail.example": must start with smtps:// or smtp://)"},
    {"SmtpUrlWithoutHost", R"(url = "smtps://smtp.flexmail.example:465")",
     R"(url = "smtps://:465")",
     R"(flexmail.toml:89: smtp.url = "smtps://:465": the URL has no host)"},
    {"SmtpUrlWithUser", R"(url = "smtps://smtp.flexmail.example:465")",
     R"(url = "smtps://relay-user@smtp.flexmail.example:465")",
     R"(flexmail.toml:89: smtp.url = "smtps://relay-user@smtp.flexmail.example:465": the user name goes in username, not in the URL)"},
    {"SmtpUrlWithPasswordIsNotQuoted", R"(url = "smtps://smtp.flexmail.example:465")",
     R"(url = "smtps://relay-user:s3cret@smtp.flexmail.example:465")",
     "flexmail.toml:89: smtp.url: " + kUrlPasswordReason},
    {"SmtpWithoutUrl", R"(url = "smtps://smtp.flexmail.example:465")", "",
     "flexmail.toml:88: smtp.url: required key is missing"},
    {"SmtpWithoutUsername", R"(username = "relay-user")", "",
     "flexmail.toml:88: smtp.username: required key is missing (needed unless require_auth = "
     "false)"},
    // [authentication].
    {"AuthenticationRequiredWithInbox",
     "[authentication]\nmode = \"authentication-results\"\nauthserv_id = \"mx.flexmail.example\"\n"
     "dkim_keys_file = \"keys/dkim\"\ndkim_nameservers = [\"127.0.0.1:5353\"]\ntemp_fail_for = 600\n"
     "failure_reply_interval = 1800",
     "",
     "flexmail.toml: authentication: required with [inbox]: set mode = \"dkim\", "
     "\"authentication-results\", \"smime\" or \"none\""},
    {"UnknownAuthenticationMode", R"(mode = "authentication-results")", R"(mode = "dmarc")",
     R"(flexmail.toml:99: authentication.mode = "dmarc": expected dkim, authentication-results, smime or none)"},
    {"AuthservIdNeededWithAuthenticationResults", R"(authserv_id = "mx.flexmail.example")", "",
     "flexmail.toml: authentication.authserv_id: required key is missing (needed with "
     "authentication-results: the authserv-id your receiving server writes, or microsoft365)"},
    {"AuthservIdIsAHostName", R"(authserv_id = "mx.flexmail.example")",
     R"(authserv_id = "mx flexmail")",
     R"(flexmail.toml:100: authentication.authserv_id = "mx flexmail": expected a host name (mx.operator.example) or microsoft365)"},
    {"NameserverIsAnAddress", R"(dkim_nameservers = ["127.0.0.1:5353"])",
     R"(dkim_nameservers = ["dns.example"])",
     R"(flexmail.toml:102: authentication.dkim_nameservers[0] = "dns.example": expected an IPv4 address, optionally with :port (127.0.0.1:5353))"},
    {"TempFailForAtLeastAMinute", "temp_fail_for = 600", "temp_fail_for = 5",
     "flexmail.toml:103: authentication.temp_fail_for = 5: must be between 60 and 604800"},
    {"ShipperAuthenticationIsAMode", R"(sites = ["LI0002"])",
     "sites = [\"LI0002\"]\nauthentication = \"pgp\"",
     R"(flexmail.toml:57: shippers[1].authentication = "pgp": expected dkim, authentication-results, smime or none)"},
    {"SmimeShipperNeedsCertificates", R"(sites = ["LI0002"])",
     "sites = [\"LI0002\"]\nauthentication = \"smime\"",
     "flexmail.toml:53: shippers[1]: certificates: required with smime authentication (the PEM "
     "files of its signing certificates or their issuing CAs)"},
    {"SmtpWithoutPasswordFile", R"(password_file = "secrets/smtp.pass")", "",
     "flexmail.toml:88: smtp.password_file: required key is missing (needed unless "
     "require_auth = false or auth = \"oauth2\")"},
    {"RequireAuthIsABoolean", "require_auth = true", "require_auth = 1",
     "flexmail.toml:94: smtp.require_auth = 1: expected true or false"},
    {"NoSmtpConnectTimeout", "connect_timeout = 20", "connect_timeout = 0",
     "flexmail.toml:95: smtp.connect_timeout = 0: must be between 1 and 600"},
    {"SmtpLowSpeedTimeAbove600", "low_speed_time = 120", "low_speed_time = 601",
     "flexmail.toml:96: smtp.low_speed_time = 601: must be between 1 and 600"},
};

class ConfigErrorsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorsTest, GivesExactlyThisMessage) {
  // Given kGoodConfig with one edit, loading should fail with exactly the case's message.
  const BadCase& c = GetParam();
  std::string text(kGoodConfig);
  size_t at = text.find(c.from);
  ASSERT_NE(at, std::string::npos) << c.from;
  ASSERT_EQ(text.find(c.from, at + 1), std::string::npos) << c.from << " occurs twice";
  text.replace(at, std::string_view(c.from).size(), c.to);
  Config config;
  Status s = ParseConfig(text, "flexmail.toml", "", &config);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(Table, ConfigErrorsTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flexmail
