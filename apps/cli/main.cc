#include <cstdio>
int main() { std::puts("cordon"); return 0; }
