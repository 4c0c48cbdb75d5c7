/* import_fold.c — a cell's characters as ASCII where they have an ASCII form (see import_fold.h). */
#include "import_fold.h"

#include <stdint.h>
#include <string.h>

#include "import_csv.h"
#include "nq/utf8.h"

#define IDEO_SPACE 0x3000 /* U+3000, folded to ' ' */
#define WIDE_FIRST 0xFF01 /* U+FF01..U+FF5E: ASCII 0x21..0x7E ... */
#define WIDE_LAST  0xFF5E
#define WIDE_SHIFT 0xFEE0 /* ... shifted by this */

int import_fold(const char *cell, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t left = strlen(cell), used; left > 0; cell += used, left -= used) {
        uint32_t cp = 0;
        unsigned c = (unsigned char)*cell;
        used = nq_utf8_seq(cell, left, &cp);
        if (cp >= WIDE_FIRST && cp <= WIDE_LAST)
            c = cp - WIDE_SHIFT;
        else if (cp == IDEO_SPACE)
            c = ' ';
        else
            used = 1; /* other characters byte by byte, as they are */
        if (n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    import_csv_trim(out);
    return 0;
}
