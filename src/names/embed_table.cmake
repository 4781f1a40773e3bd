# Writes a C++ source holding the text of a data file as a string constant.
# Usage: cmake -DIN=<file> -DOUT=<file.cc> -DSYMBOL=<name> -DHEADER=<include> -P embed_table.cmake
file(READ ${IN} content)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include \"${HEADER}\"\n\nnamespace liaison::names {\nconst char ${SYMBOL}[] = R\"liaison_table(${content})liaison_table\";\n}  // namespace liaison::names\n")
