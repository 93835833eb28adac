#ifndef WHARF_FRAME_SYSTEM_SHIM_H
#define WHARF_FRAME_SYSTEM_SHIM_H
// zlib for gzip input and output, SQLite for the query source and the table writer.
#include <zlib.h>
#include <sqlite3.h>
#endif
