"""The CICOPA platform: the software that runs a federation of producers' co-operatives."""
