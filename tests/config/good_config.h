// A small valid configuration shared by the config tests. The error tests
// edit it one line at a time, so its line numbers appear in their expected
// messages: keep the lines where they are (numbers in the margin below).
#pragma once

#include <string_view>

namespace flexmail {

inline constexpr std::string_view kGoodConfig = R"([database]
path = "data/flexmail.db"

[rules]
partial_flexibility_kwh_per_tranche = 800000
indicator_delay_minutes = 23
unknown_indicator = "RED"

[[meshes]]
code = "ME0005"
label = "Bretagne"

[[meshes]]
code = "ME0008"
label = "Provence"

[[sites]]
id = "LI0001"
label = "Quimper"
mesh = "ME0005"
client = "ENGIE"
tranches = 1

[[sites]]
id = "LI0002"
label = "Martigues"
mesh = "ME0008"
client = "EDF"
tranches = 2

[[contracts]]
code = "GFQUIMP01"
[[contracts.sites]]
site = "LI0001"
qmin = 0
qmax = 1000000
tolerance_pct = 0

[[contracts]]
code = "GFMART01"
[[contracts.sites]]
site = "LI0002"
qmin = 100000.5
qmax = 2000000
tolerance_pct = 5

[[shippers]]
name = "ENGIE"
senders = ["ops@engie.example", "@engie-trading.example"]
sites = ["LI0001"]
cc = ["desk@engie.example"]

[[shippers]]
name = "EDF"
senders = ["@edf.example"]
sites = ["LI0002"]

[mail]
address = "declarations@flexmail.example"
domain = "mail.flexmail.example"

[limits]
max_message_bytes = 20971520
max_attachments = 30
max_csv_bytes = 2097152
max_depth = 12
max_header_lines = 2000

[inbox]
imap_url = "imaps://imap.flexmail.example:993/INBOX"
username = "declarations"
password_file = "secrets/imap.pass"
ca_file = "certs/imap-ca.pem"
require_tls = false
processed_folder = "Done"
rejected_folder = "Refused"
ignored_folder = "Other"
poll_interval = 45
connect_timeout = 15
low_speed_time = 90

[outbox]
directory = "spool/outbox"
retry_initial = 60
retry_max = 600
give_up_after = 7200

[smtp]
url = "smtps://smtp.flexmail.example:465"
username = "relay-user"
password_file = "secrets/smtp.pass"
ca_file = "certs/smtp-ca.pem"
require_tls = true
require_auth = true
connect_timeout = 20
low_speed_time = 120

[authentication]
mode = "authentication-results"
authserv_id = "mx.flexmail.example"
dkim_keys_file = "keys/dkim"
dkim_nameservers = ["127.0.0.1:5353"]
temp_fail_for = 600
failure_reply_interval = 1800
)";
//  1 [database]            17 [[sites]]            39 [[contracts]]
//  2 path                  18 id = "LI0001"        40 code = "GFMART01"
//  4 [rules]               20 mesh = "ME0005"      41 [[contracts.sites]]
//  5 partial_...           22 tranches = 1         42 site = "LI0002"
//  6 indicator_delay_...   24 [[sites]]            43 qmin = 100000.5
//  7 unknown_indicator     25 id = "LI0002"        44 qmax = 2000000
//  9 [[meshes]]            27 mesh = "ME0008"      45 tolerance_pct = 5
// 10 code = "ME0005"       29 tranches = 2         47 [[shippers]]
// 11 label = "Bretagne"    31 [[contracts]]        48 name = "ENGIE"
// 13 [[meshes]]            32 code = "GFQUIMP01"   49 senders
// 14 code = "ME0008"       33 [[contracts.sites]]  50 sites = ["LI0001"]
// 15 label = "Provence"    34 site = "LI0001"      51 cc
//                          35 qmin = 0             53 [[shippers]]
//                          36 qmax = 1000000       54 name = "EDF"
//                          37 tolerance_pct = 0    55 senders = ["@edf.example"]
//                                                  56 sites = ["LI0002"]
//
// 58 [mail]                69 [inbox]              82 [outbox]
// 59 address               70 imap_url             83 directory
// 60 domain                71 username             84 retry_initial
//                          72 password_file        85 retry_max
// 62 [limits]              73 ca_file              86 give_up_after
// 63 max_message_bytes     74 require_tls
// 64 max_attachments       75 processed_folder     88 [smtp]
// 65 max_csv_bytes         76 rejected_folder      89 url
// 66 max_depth             77 ignored_folder       90 username
// 67 max_header_lines      78 poll_interval        91 password_file
//                          79 connect_timeout      92 ca_file
//                          80 low_speed_time       93 require_tls
//                                                  94 require_auth
//                                                  95 connect_timeout
//                                                  96 low_speed_time
//
// 98 [authentication]      101 dkim_keys_file      104 failure_reply_interval
// 99 mode                  102 dkim_nameservers
// 100 authserv_id          103 temp_fail_for

}  // namespace flexmail
