// The attachment name a declaration file must have (RULES §3, contract §18):
// "Export_DECLARATIONS_CCG-UPLOAD-YYYYMMDD_<14 to 17 digits>.csv", compared
// case-insensitively (mail clients and shippers' scripts change the case of
// names and of the extension). The trailing digits are the file's creation
// stamp; only their count is checked.
#pragma once

#include <optional>
#include <string_view>

#include "parser/report.h"
#include "rules/time.h"

namespace flexmail::parser {

enum class FileNameCheck { kOk, kBadPattern, kBadDate };

// Sets *day (when non-null) on kOk only.
FileNameCheck CheckFileName(std::string_view name, GasDay* day);

// Reports BAD_FILE_NAME when the name is not acceptable; returns the day.
std::optional<GasDay> ReadFileName(std::string_view name, Reporter* report);

}  // namespace flexmail::parser
