#ifndef WHARF_FRAME_SYSTEM_SHIM_H
#define WHARF_FRAME_SYSTEM_SHIM_H
// zlib for gzip input and output, SQLite for the query source and the table writer.
#include <zlib.h>
#include <sqlite3.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Where the delimiter, the newline byte and the quote occur in 64 bytes of CSV: bit i stands for byte i.
typedef struct {
    uint64_t delimiters;
    uint64_t newlines;
    uint64_t quotes;
} wharf_csv_block;

/// Classifies the 64 bytes at `p` (all must be readable). SSE2 compares 16 bytes at once and gathers one bit per
/// byte with `pmovmskb`, which Swift cannot express; other targets take the byte loop.
static inline wharf_csv_block wharf_csv_block64(const uint8_t *p, uint8_t delimiter, uint8_t newline) {
    wharf_csv_block b = {0, 0, 0};
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter), n = _mm_set1_epi8((char)newline), q = _mm_set1_epi8('"');
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        b.delimiters |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) << (16 * k);
        b.newlines |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) << (16 * k);
        b.quotes |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        b.delimiters |= (uint64_t)(p[i] == delimiter) << i;
        b.newlines |= (uint64_t)(p[i] == newline) << i;
        b.quotes |= (uint64_t)(p[i] == '"') << i;
    }
#endif
    return b;
}
#endif
