#include <stdio.h>
#include <stdlib.h>

static int classify(int x) {
    if (x < 0)
        return -1;
    else if (x == 0)
        return 0;
    return 1;
}

static int unused(int y) {
    return y * 2;
}

int main(int argc, char **argv) {
    int x = argc > 1 ? atoi(argv[1]) : 0;
    int c = classify(x);
    if (c > 0 && x > 100)
        printf("big\n");
    printf("%d\n", c);
    if (argc > 5)
        return unused(x);
    return 0;
}
